// Which command starts `store-edge`: the compiled bin/store-edge.js (what an appliance runs, and
// quick to start) when dist/ is at least as new as the sources, else the TypeScript sources
// through tsx (what a developer mid-edit has). A stale dist/ would run yesterday's server.

import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export type Runner = 'auto' | 'dist' | 'tsx'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
const SOURCES = join(ROOT, 'edge', 'src')
const COMPILED = join(ROOT, 'dist', 'edge', 'src', 'cli', 'run.js')
const BIN = join(ROOT, 'bin', 'store-edge.js')
const TS_ENTRY = join(ROOT, 'edge', 'src', 'cli', 'run.ts')
/** Preloaded into the server: it stops when the simulator's end of its stdin closes. */
const GUARD = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), 'orphan-guard.mjs')).href

export interface Command { command: string, args: string[], cwd: string }

export function commandFor (runner: Runner): Command {
  const useDist = runner === 'dist' || (runner === 'auto' && distIsFresh())
  if (useDist) {
    if (!existsSync(COMPILED)) throw new Error(`runner 'dist': ${COMPILED} is missing; run npm run build`)
    return { command: process.execPath, args: ['--import', GUARD, BIN], cwd: ROOT }
  }
  return { command: process.execPath, args: ['--import', 'tsx', '--import', GUARD, TS_ENTRY], cwd: ROOT }
}

/** True when the compiled entry exists and no server source was changed after it was written. */
export function distIsFresh (): boolean {
  if (!existsSync(COMPILED)) return false
  return newestMtimeMs(SOURCES) <= statSync(COMPILED).mtimeMs
}

function newestMtimeMs (dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) newest = Math.max(newest, newestMtimeMs(path))
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs)
  }
  return newest
}
