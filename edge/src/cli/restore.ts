// `store-edge restore FILE [--yes]`: puts a backup in place of the data dir's database while no
// server runs (store/restore.ts). It takes the data dir's lock first, so it is refused while the
// server runs (exit 1, naming its pid) and no server can start during the swap. It checks the file,
// says what it will do, and then needs a yes: --yes, or an answer on a terminal. Without --yes and
// without a terminal it does nothing and exits 2, so a script has to say --yes.

import { createInterface } from 'node:readline/promises'
import { resolve } from 'node:path'
import { lockDataDir } from '../store/data-dir-lock.js'
import { latestVersion } from '../store/migrate.js'
import { migrations } from '../store/migrations/index.js'
import { applyRestore, discardRestore, prepareRestore, type RestorePlan } from '../store/restore.js'
import { configFrom } from './context.js'
import type { Out } from './out.js'

export const RESTORE_USAGE = 'usage: store-edge restore FILE [--yes]   (stop the server first)'

export interface RestoreOpts { config?: string, yes?: boolean, json: boolean }

/** Asks the operator; null when there is no terminal to ask on. */
export type Confirm = (question: string) => Promise<boolean> | null

export const terminalConfirm: Confirm = (question) => {
  if (process.stdin.isTTY !== true || process.stderr.isTTY !== true) return null
  const rl = createInterface({ input: process.stdin, output: process.stderr })
  return rl.question(question).then((a) => /^y(es)?$/i.test(a.trim())).finally(() => rl.close())
}

export async function restoreCommand (args: string[], opts: RestoreOpts, out: Out, confirm: Confirm = terminalConfirm): Promise<number> {
  if (args.length !== 1) { out.error(RESTORE_USAGE); return 2 }
  const file = resolve(args[0])
  const config = configFrom(opts)
  const lock = lockDataDir(config.dataDir, 'restore')
  try {
    const plan = await prepareRestore(file, { dataDir: config.dataDir, storeId: config.storeId, latest: latestVersion(migrations) })
    let restored = false
    try {
      for (const line of describe(plan)) out.error(line)
      if (opts.yes !== true) {
        const answer = confirm('Restore? [y/N] ')
        if (answer === null) {
          out.error('store-edge: not restored: no terminal to confirm on; pass --yes to restore from a script')
          return 2
        }
        if (!await answer) { out.error('not restored'); return 1 }
      }
      const { keptAs } = applyRestore(plan)
      restored = true
      if (opts.json) out.line(JSON.stringify({ restored: plan.file, database: plan.target, schemaVersion: plan.schemaVersion, rows: plan.rows, keptAs }))
      else {
        out.line(`restored ${plan.file} into ${plan.target} (schema version ${plan.schemaVersion})`)
        if (keptAs !== null) out.line(`the replaced database is kept as ${keptAs}`)
      }
      return 0
    } finally {
      if (!restored) discardRestore(plan)
    }
  } finally {
    lock.release()
  }
}

function describe (plan: RestorePlan): string[] {
  const counts = (rows: Record<string, number>): string => ['events', 'positions', 'items', 'tasks', 'outbox'].filter((k) => k in rows).map((k) => `${k} ${rows[k]}`).join(', ')
  const lines = [`restore ${plan.file}${plan.sidecar ? ` (made ${plan.sidecar.createdAt} by store-edge ${plan.sidecar.programVersion})` : ''}`,
    `  schema version ${plan.schemaVersion}: ${counts(plan.rows)}`,
    `into ${plan.target}`]
  if (plan.current === null) lines.push('  (the data dir has no database yet)')
  else {
    lines.push(`  replacing schema version ${plan.current.schemaVersion ?? '?'}${plan.current.rows ? `: ${counts(plan.current.rows)}` : ' (unreadable)'}`)
    lines.push(`  kept as ${plan.current.keepAs}`)
  }
  return lines
}
