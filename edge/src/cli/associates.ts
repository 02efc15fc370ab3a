// `store-edge associates import FILE.csv`: the store's roster (zones, skills, shifts) from the
// scheduling system's export, all rows or none (store/import/associates.ts).

import { readFileSync } from 'node:fs'
import { EdgeError, Errors } from '../core/errors.js'
import { importRoster } from '../store/import/associates.js'
import { configFrom, withDatabase } from './context.js'
import type { Out } from './out.js'

export function associatesCommand (args: string[], opts: { config?: string, json: boolean }, out: Out): number {
  const [sub, file] = args
  if (sub !== 'import' || !file) {
    out.error('usage: store-edge associates import FILE.csv')
    return 2
  }
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new EdgeError(Errors.IMPORT_FORMAT, `${file} cannot be read: ${(err as Error).message}`)
  }
  const summary = withDatabase(configFrom(opts), (db) => importRoster(db, text, () => Date.now()))
  out.line(opts.json ? JSON.stringify(summary) : `associates: ${summary.created} created, ${summary.updated} updated`)
  return 0
}
