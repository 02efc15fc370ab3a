// One bundle for all the installer's test files: `npm run bundle` takes most of a minute, so it is
// built once per source state and kept in the temp dir, keyed by the commit (plus a digest of
// uncommitted changes to the files that shape the bundle). Test files running at once wait for one build
// (a lock folder). The installer's scripts and templates are not part of the key: the tests run the
// working tree's installer/, not the bundle's copy.

import { spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
const CACHE = join(tmpdir(), 'store-edge-bundle-cache')
const LOCK_STALE_MS = 10 * 60_000 // a build never takes this long; a lock this old was left by a killed run

export interface TestBundle {
  archive: string
  /** BUNDLE.json as built. */
  meta: Record<string, unknown> & { version: string, arch: string, schemaVersion: number, gitCommit: string | null }
  /** How the bundle was had: built now (seconds) or found in the cache. */
  builtInS: number | null
}

function git (args: string[]): string {
  const res = spawnSync('git', args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
  return res.status === 0 ? res.stdout : ''
}

/** What goes into a bundle or builds it (installer/ itself aside: the tests run the working tree's). */
const BUNDLE_INPUTS = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'bin', 'edge/src', 'edge/web',
  'cloud-relay/src', 'device-profiles', 'models', 'installer/bundle']

/** The commit, and a digest of uncommitted changes to what shapes the bundle. */
export function bundleKey (): string {
  const scope = ['--', ...BUNDLE_INPUTS]
  const dirty = git(['status', '--porcelain', '--untracked-files=all', ...scope]) + git(['diff', 'HEAD', ...scope])
  const head = git(['rev-parse', 'HEAD']).trim() || 'no-git'
  const digest = createHash('sha256').update(dirty).update(process.version).digest('hex').slice(0, 12)
  return `${head.slice(0, 12)}-${digest}`
}

function sleep (ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

async function withLock<T> (fn: () => Promise<T>): Promise<T> {
  mkdirSync(CACHE, { recursive: true })
  const lock = join(CACHE, 'lock')
  for (;;) {
    try {
      mkdirSync(lock)
      break
    } catch {
      try {
        if (Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS) rmSync(lock, { recursive: true, force: true })
      } catch {}
      await sleep(500)
    }
  }
  try {
    return await fn()
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}

function build (out: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // The real command (npm run bundle is this), fast compression: the level does not change what is tested.
    const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'installer', 'bundle', 'main.ts'), '--out', out, '--gzip-level', '1'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let log = ''
    proc.stdout.on('data', (c: Buffer) => { log += c.toString() })
    proc.stderr.on('data', (c: Buffer) => { log += c.toString() })
    proc.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`npm run bundle failed (${String(code)}):\n${log}`))))
  })
}

/** The bundle of the current source state, built if the cache lacks it. */
export async function testBundle (): Promise<TestBundle> {
  const key = bundleKey()
  const dir = join(CACHE, key)
  const ready = join(dir, 'ready.json')
  return await withLock(async () => {
    let builtInS: number | null = null
    if (!existsSync(ready)) {
      rmSync(dir, { recursive: true, force: true })
      const started = Date.now()
      await build(dir)
      const archive = readdirSync(dir).find((f) => f.endsWith('.tar.gz'))
      if (archive === undefined) throw new Error(`npm run bundle left no .tar.gz in ${dir}`)
      writeFileSync(ready, JSON.stringify({ archive: join(dir, archive) }))
      builtInS = (Date.now() - started) / 1000
      // Older source states' bundles are of no more use.
      for (const other of readdirSync(CACHE)) if (other !== key && other !== 'lock') rmSync(join(CACHE, other), { recursive: true, force: true })
    }
    const { archive } = JSON.parse(readFileSync(ready, 'utf8')) as { archive: string }
    const meta = JSON.parse(spawnSync('tar', ['-xzOf', archive, '--wildcards', '--occurrence=1', '*/BUNDLE.json'], { encoding: 'utf8' }).stdout) as TestBundle['meta']
    return { archive, meta, builtInS }
  })
}
