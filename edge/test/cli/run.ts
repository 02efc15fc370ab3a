// Runs the command line in-process, as `store-edge ARGS`, collecting what it prints.

import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { main } from '../../src/cli/main.js'
import { tempDir, rmrf } from '../helpers/server.js'

export interface Run {
  code: number
  /** stdout lines */
  lines: string[]
  /** stderr lines */
  errors: string[]
  /** stdout and stderr, one string, for matching */
  text: string
}

export async function run (...argv: string[]): Promise<Run> {
  const lines: string[] = []
  const errors: string[] = []
  const code = await main(argv, { line: (s) => { lines.push(s) }, error: (s) => { errors.push(s) } })
  return { code, lines, errors, text: [...lines, ...errors].join('\n') }
}

interface Tap { teardown (fn: () => unknown): void }

/** A temp dir with a config file naming a data dir inside it; returns `--config FILE` and the paths. */
export function storeDir (t: Tap, config: Record<string, unknown> = {}): { dir: string, dataDir: string, configFile: string, cfg: string[] } {
  const dir = tempDir('store-edge-cli-')
  t.teardown(() => rmrf(dir))
  const dataDir = join(dir, 'data')
  const configFile = join(dir, 'store-edge.json')
  writeFileSync(configFile, JSON.stringify({ dataDir, ...config }))
  return { dir, dataDir, configFile, cfg: ['--config', configFile] }
}

/** Sets environment variables for the rest of a test and restores them after it. */
export function withEnv (t: Tap, vars: Record<string, string>): void {
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]))
  Object.assign(process.env, vars)
  t.teardown(() => {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
  })
}
