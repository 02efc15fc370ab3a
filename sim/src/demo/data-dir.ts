// Where the demo keeps its two SQLite databases: a new temp dir (removed on exit unless --keep),
// or the --data dir, which must be new or empty (a demo starts from a fresh store) and is kept.

import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { UsageError } from './args.js'

export interface DemoData {
  root: string
  relay: string
  store: string
  /** Removed by remove(). */
  removable: boolean
  remove (): void
}

export function prepareDataDir (o: { data: string | null, keep: boolean }): DemoData {
  let root: string
  if (o.data !== null) {
    root = resolve(o.data)
    mkdirSync(root, { recursive: true })
    if (readdirSync(root).length > 0) throw new UsageError(`--data ${o.data}: not empty; give a new or empty directory (the demo starts from a fresh store)`)
  } else {
    root = mkdtempSync(join(tmpdir(), 'store-edge-demo-'))
  }
  const relay = join(root, 'relay')
  const store = join(root, 'store')
  mkdirSync(relay)
  mkdirSync(store)
  const removable = o.data === null && !o.keep
  return { root, relay, store, removable, remove: () => { if (removable) rmSync(root, { recursive: true, force: true }) } }
}
