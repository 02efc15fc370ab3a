// The operator's command line: `store-edge serve | devices add|list|revoke | items import FILE |
// profiles check [FILE] | migrate | backup | restore FILE | health`. Commands that change data open the data dir directly (SQLite allows the
// CLI to write beside a running server; the server notices and reloads).

import { parseArgs } from 'node:util'
import { isEdgeError } from '../core/errors.js'
import { accountsCommand } from './accounts.js'
import { associatesCommand } from './associates.js'
import { backupCommand } from './backup.js'
import { healthCommand } from './health.js'
import { migrateCommand } from './migrate.js'
import { restoreCommand } from './restore.js'
import { devicesCommand } from './devices.js'
import { itemsCommand } from './items.js'
import { modelsCommand } from './models.js'
import { profilesCommand } from './profiles.js'
import { serveCommand } from './serve.js'
import type { Out } from './out.js'

export const USAGE = `usage: store-edge <command> [options]

commands:
  serve                                  run the store server (config: --config FILE, EDGE_* env)
  devices add ID --profile P [--name N]  register a device; prints its secret once
  devices list                           registered devices and their status
  devices revoke ID                      revoke a device's secret
  items import FILE [--kind K]           import items, locations or on-hand (CSV needs --kind:
                                         items | locations | on-hand; JSON may hold all three)
  associates import FILE.csv             the roster: id, name, badge, pin, zones, skills,
                                         shift_start, shift_end (HH:MM UTC), active; all or nothing
  accounts add NAME --role R [--name N] [--password-stdin]
                                         a panel account (manager | viewer); prints a generated
                                         password once unless one comes on stdin
  accounts list | remove NAME            panel accounts
  profiles check [FILE|DIR]              validate device profiles and run their fixtures
  models [status]                        shelf-risk models of the running server (--url URL,
                                         default http://127.0.0.1:<httpPort>): active, candidate,
                                         why rules act, monitoring
  models candidate FILE | promote | rollback | drop
                                         operator calls, audited as "cli" (--note TEXT)

operations (the installer's scripts use these):
  migrate                                bring the database to this version's schema; prints
                                         from -> to; refused (1) for a newer database, or while
                                         a server runs and migrations are pending
  backup [--out FILE] [--dir DIR] [--keep N]
                                         online backup of the database, safe while the server
                                         runs; checked, then named
                                         store-edge-<storeId>-<UTC yyyymmddThhmmssZ>.db in DIR
                                         (default <dataDir>/backups) with a .json beside it;
                                         prints its path; --keep N removes this store's oldest
                                         backups beyond N there
  restore FILE [--yes]                   put a backup in place of the database (the server must
                                         be stopped); the replaced one is kept as
                                         store.db.pre-restore-<stamp>; without --yes it asks on
                                         a terminal and refuses (2) otherwise
  health [--url URL] [--wait SECONDS] [--expect-version V]
                                         ask /api/v1/health (default http://127.0.0.1:<httpPort>)
                                         until it answers ok (with that version): 0, else 1

common options:
  --config FILE                          JSON config file (default: $EDGE_CONFIG)
  --json                                 machine-readable output

exit codes: 0 ok, 1 failed, 2 usage
`

const stdOut: Out = {
  line: (s) => { process.stdout.write(s + '\n') },
  error: (s) => { process.stderr.write(s + '\n') }
}

export async function main (argv: string[], out: Out = stdOut): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        config: { type: 'string' },
        profile: { type: 'string' },
        name: { type: 'string' },
        kind: { type: 'string' },
        url: { type: 'string' },
        note: { type: 'string' },
        role: { type: 'string' },
        'password-stdin': { type: 'boolean', default: false },
        out: { type: 'string' },
        dir: { type: 'string' },
        keep: { type: 'string' },
        yes: { type: 'boolean', default: false },
        wait: { type: 'string' },
        'expect-version': { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false }
      }
    })
  } catch (err) {
    out.error(`store-edge: ${(err as Error).message}\n\n${USAGE}`)
    return 2
  }
  const [command, ...rest] = parsed.positionals
  if (parsed.values.help || command === 'help') {
    out.line(USAGE)
    return 0
  }
  if (command === undefined) {
    // No command is a usage error: usage on stderr and exit 2, so a script sees it failed.
    out.error(USAGE)
    return 2
  }
  const opts = parsed.values as { config?: string, profile?: string, name?: string, kind?: string, url?: string, note?: string, role?: string, 'password-stdin'?: boolean, out?: string, dir?: string, keep?: string, yes?: boolean, wait?: string, 'expect-version'?: string, json: boolean }
  try {
    switch (command) {
      case 'serve': return await serveCommand(opts, out)
      case 'devices': return devicesCommand(rest, opts, out)
      case 'items': return itemsCommand(rest, opts, out)
      case 'associates': return associatesCommand(rest, opts, out)
      case 'accounts': return accountsCommand(rest, opts, out)
      case 'profiles': return profilesCommand(rest, opts, out)
      case 'models': return await modelsCommand(rest, opts, out)
      case 'migrate':
        if (rest.length > 0) { out.error('usage: store-edge migrate'); return 2 }
        return migrateCommand(opts, out)
      case 'backup': return await backupCommand(rest, opts, out)
      case 'restore': return await restoreCommand(rest, opts, out)
      case 'health': return await healthCommand(rest, opts, out)
      default:
        out.error(`store-edge: unknown command "${command}"\n\n${USAGE}`)
        return 2
    }
  } catch (err) {
    if (isEdgeError(err)) {
      out.error(`store-edge: ${err.message} [${err.code}]`)
      const problems = (err.details as { problems?: Array<{ line?: number, row: number, section: string, field?: string, message: string }> } | undefined)?.problems
      for (const p of problems ?? []) {
        out.error(`  ${p.line !== undefined ? `line ${p.line}` : `${p.section} row ${p.row}`}${p.field ? ` ${p.field}` : ''}: ${p.message}`)
      }
      return 1
    }
    throw err
  }
}
