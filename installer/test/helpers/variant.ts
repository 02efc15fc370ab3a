// Other versions of the test bundle, for upgrade tests: the real bundle unpacked, given a new version
// number and changed by `edit` (a migration the next version adds, a start-up that fails), then
// described again (SHA256SUMS, BUNDLE.json) and packed, so the installer's checks pass on it as on
// a real build.

import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { META_FILE, SUMS_FILE, sumFiles } from '../../bundle/manifest.js'
import type { TestBundle } from './bundle.js'

function run (cmd: string, args: string[], cwd?: string): void {
  const res = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${res.stderr}`)
}

/** The test bundle as version `version`, with `edit(releaseDir)` applied; returns the archive's path. */
export function variantBundle (base: TestBundle, version: string, edit: (dir: string) => void): string {
  const work = mkdtempSync(join(tmpdir(), 'store-edge-variant-'))
  run('tar', ['-xzf', base.archive, '-C', work])
  const top = join(work, `store-edge-${version}`)
  renameSync(join(work, `store-edge-${base.meta.version}`), top)
  const pkg = JSON.parse(readFileSync(join(top, 'package.json'), 'utf8')) as { version: string }
  pkg.version = version
  writeFileSync(join(top, 'package.json'), JSON.stringify(pkg, null, 2) + '\n')
  edit(top)
  const sums = sumFiles(top).map((f) => `${f.sha256}  ${f.path}\n`).join('')
  writeFileSync(join(top, SUMS_FILE), sums)
  const meta = readFileSync(join(top, META_FILE), 'utf8')
    .replace(/^ {2}"version": ".*",$/m, `  "version": "${version}",`)
    .replace(/^ {2}"sha256sums": "[0-9a-f]*",$/m, `  "sha256sums": "${createHash('sha256').update(sums).digest('hex')}",`)
  writeFileSync(join(top, META_FILE), meta)
  const archive = join(work, `store-edge-${version}-linux-${base.meta.arch}.tar.gz`)
  // BUNDLE.json first, as npm run bundle packs it (the installer reads it without unpacking the rest).
  // Fast compression: the level does not change what is tested.
  run('tar', ['-I', 'gzip -1', '-cf', archive, '-C', work, `store-edge-${version}/${META_FILE}`, '--exclude', `store-edge-${version}/${META_FILE}`, `store-edge-${version}`], undefined)
  return archive
}

/** `edit` for a version whose schema has one migration more (a table `upgrade_probe_<version>`). */
export function addMigration (version: number): (dir: string) => void {
  return (dir) => {
    const file = join(dir, 'dist', 'edge', 'src', 'store', 'migrations', 'index.js')
    const src = readFileSync(file, 'utf8')
    const next = src.replace(/(export const migrations = \[[^\]]*)\]/, `$1, { version: ${version}, name: 'upgrade-probe-${version}', sql: 'CREATE TABLE upgrade_probe_${version} (id INTEGER PRIMARY KEY, note TEXT)' }]`)
    if (next === src) throw new Error(`no migrations list found in ${file}`)
    writeFileSync(file, next)
  }
}

/** `edit` for a version whose server cannot start (after the migration went through). */
export function failingStart (dir: string): void {
  const file = join(dir, 'dist', 'edge', 'src', 'cli', 'serve.js')
  const src = readFileSync(file, 'utf8')
  const next = src.replace(/(export async function serveCommand\s*\([^)]*\)\s*\{)/, '$1\n    throw new Error(\'this release cannot start (an upgrade test)\');')
  if (next === src) throw new Error(`no serveCommand found in ${file}`)
  writeFileSync(file, next)
}
