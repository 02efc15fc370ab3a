import { readFileSync } from 'node:fs'
import { extname } from 'node:path'
import { EdgeError, Errors } from '../core/errors.js'
import { importMasterData, parseKind } from '../store/import/index.js'
import { configFrom, withDatabase } from './context.js'
import type { Out } from './out.js'

export function itemsCommand (args: string[], opts: { config?: string, kind?: string, json: boolean }, out: Out): number {
  const [sub, file] = args
  if (sub !== 'import' || !file) {
    out.error('usage: store-edge items import FILE [--kind items|locations|on-hand]')
    return 2
  }
  const ext = extname(file).toLowerCase()
  const format = ext === '.csv' ? 'csv' : ext === '.json' ? 'json' : null
  if (format === null) throw new EdgeError(Errors.IMPORT_FORMAT, `${file}: use a .csv or .json file`)
  const kind = opts.kind === undefined ? undefined : parseKind(opts.kind)
  if (opts.kind !== undefined && kind === undefined) throw new EdgeError(Errors.IMPORT_FORMAT, `--kind "${opts.kind}": use items, locations or on-hand`)
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new EdgeError(Errors.IMPORT_FORMAT, `${file} cannot be read: ${(err as Error).message}`)
  }
  const config = configFrom(opts)
  const summary = withDatabase(config, (db) => importMasterData(db, { format, kind, text }, new Date().toISOString()))
  out.line(opts.json ? JSON.stringify(summary) : `imported ${summary.locations} location(s), ${summary.items} item(s), ${summary.onHand} on-hand row(s)`)
  return 0
}
