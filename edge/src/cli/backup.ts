// `store-edge backup [--out FILE] [--dir DIR] [--keep N]`: an online backup of the data dir's
// database, safe while the server runs and writes (store/backup.ts). Prints the backup's path (the
// only stdout line; --json prints its sidecar with the path), so a script can keep it:
// `b=$(store-edge backup) || exit 1`.

import { resolve } from 'node:path'
import { packageVersion } from '../core/version.js'
import { backupDatabase, defaultBackupDir } from '../store/backup.js'
import { configFrom } from './context.js'
import type { Out } from './out.js'

export const BACKUP_USAGE = 'usage: store-edge backup [--out FILE] [--dir DIR] [--keep N]'

export interface BackupOpts { config?: string, out?: string, dir?: string, keep?: string, json: boolean }

export async function backupCommand (args: string[], opts: BackupOpts, out: Out): Promise<number> {
  if (args.length > 0) { out.error(`store-edge: backup takes no arguments\n${BACKUP_USAGE}`); return 2 }
  let keep: number | undefined
  if (opts.keep !== undefined) {
    keep = Number(opts.keep)
    if (!Number.isInteger(keep) || keep < 1) { out.error(`store-edge: --keep must be a whole number of backups, 1 or more (got "${opts.keep}")\n${BACKUP_USAGE}`); return 2 }
  }
  const config = configFrom(opts)
  const result = await backupDatabase({
    dataDir: config.dataDir,
    storeId: config.storeId,
    programVersion: packageVersion(),
    dir: opts.dir !== undefined ? resolve(opts.dir) : defaultBackupDir(config.dataDir),
    out: opts.out !== undefined ? resolve(opts.out) : undefined,
    keep
  })
  if (opts.json) {
    out.line(JSON.stringify(result))
  } else {
    out.line(result.path)
    // Details on stderr: stdout stays the path alone.
    out.error(`backup of schema version ${String(result.schemaVersion)}: ${result.sizeBytes} bytes, sha256 ${result.sha256.slice(0, 12)}, ${Object.entries(result.rows).map(([k, v]) => `${k} ${v}`).join(', ')}`)
    for (const p of result.pruned) out.error(`removed ${p}`)
  }
  return 0
}
