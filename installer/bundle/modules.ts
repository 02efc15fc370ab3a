// The bundle's node_modules: the production packages of package-lock.json copied from the installed
// tree, without the native binaries of other platforms and the build leftovers no store box loads,
// then `npm prune --omit=dev --offline` in the staging dir as the judge of what production needs
// (it fails rather than fetch: a store box, and the build box, may have no registry).

import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, lstatSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join, relative, sep } from 'node:path'

interface LockEntry { dev?: boolean, optional?: boolean, link?: boolean }

/** What is dropped from one package, and why; `drop` gets the path inside the package ('' = its root). */
export interface Trim {
  pkg: string
  why: string
  drop: (relInPkg: string) => boolean
}

/** The trims for a bundle that runs on `platform`/`arch` (Node's names: linux, x64 | arm64 | arm). */
export function trimsFor (platform: string, arch: string): Trim[] {
  const under = (rel: string, dir: string): boolean => rel === dir || rel.startsWith(dir + '/')
  return [
    {
      pkg: 'onnxruntime-node',
      why: "onnxruntime's binaries for other platforms and architectures (bin/napi-v*/<platform>/<arch>)",
      drop: (rel) => {
        const m = /^bin\/napi-v\d+\/([^/]+)(?:\/([^/]+))?/.exec(rel)
        if (m === null) return false
        if (m[1] !== platform) return true
        return m[2] !== undefined && m[2] !== arch
      }
    },
    {
      pkg: '@serialport/bindings-cpp',
      why: 'serialport prebuilds for other platforms and architectures (prebuilds/<platform>-<arch>)',
      drop: (rel) => {
        const m = /^prebuilds\/([^/]+)/.exec(rel)
        return m !== null && m[1] !== `${platform}-${arch}`
      }
    },
    {
      pkg: 'better-sqlite3',
      why: 'better-sqlite3 build leftovers (SQLite sources, object files, the static library, the test extension)',
      drop: (rel) => ['deps', 'src', 'build/deps', 'build/Release/obj', 'build/Release/obj.target', 'build/Release/.deps',
        'build/Release/sqlite3.a', 'build/Release/test_extension.node'].some((d) => under(rel, d))
    },
    {
      pkg: 'protobufjs',
      why: "protobufjs's pbjs/pbts code generators and their own node_modules (never loaded at run time)",
      // bin/ stays: two small files npm checks when it links command shims.
      drop: (rel) => under(rel, 'cli')
    }
  ]
}

export interface ModulesReport {
  packages: number
  /** Bytes left out per trim. */
  trimmed: Array<{ why: string, bytes: number }>
}

function sizeOf (path: string): number {
  const st = lstatSync(path)
  if (!st.isDirectory()) return st.size
  let n = 0
  for (const e of readdirSync(path)) n += sizeOf(join(path, e))
  return n
}

/** Copies the production packages of `root`'s lock from root/node_modules into stage/node_modules. */
export function copyProductionModules (root: string, stage: string, trims: Trim[]): ModulesReport {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { lockfileVersion: number, packages: Record<string, LockEntry> }
  if (lock.lockfileVersion < 2) throw new Error(`package-lock.json has lockfileVersion ${lock.lockfileVersion}; the bundle needs 2 or 3 (npm 7+)`)
  const trimmed = trims.map((t) => ({ why: t.why, bytes: 0 }))
  let packages = 0
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (key === '' || entry.dev === true || entry.link === true) continue
    const from = join(root, key)
    if (!existsSync(from)) {
      // An optional dependency for another platform is not installed here, and not needed.
      if (entry.optional === true) continue
      throw new Error(`${key} is a production dependency in package-lock.json but is not installed: run npm ci first`)
    }
    const pkg = key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length)
    const pkgTrims = trims.map((t, i) => ({ t, i })).filter(({ t }) => t.pkg === pkg)
    cpSync(from, join(stage, key), {
      recursive: true,
      verbatimSymlinks: true,
      filter: (src) => {
        const rel = relative(from, src).split(sep).join('/')
        // Nested packages are entries of their own in the lock (copied when they are production ones).
        if (rel === 'node_modules') return false
        for (const { t, i } of pkgTrims) {
          if (rel !== '' && t.drop(rel)) {
            trimmed[i].bytes += sizeOf(src)
            return false
          }
        }
        return true
      }
    })
    packages++
  }
  // The command shims, and npm's record of the installed tree copied last so it is newer than every
  // package folder: npm then trusts the copy as installed and prune has nothing to re-extract.
  cpSync(join(root, 'node_modules', '.bin'), join(stage, 'node_modules', '.bin'), { recursive: true, verbatimSymlinks: true })
  cpSync(join(root, 'node_modules', '.package-lock.json'), join(stage, 'node_modules', '.package-lock.json'))
  return { packages, trimmed }
}

/** Removes the trimmed paths again (after npm prune, which may have restored a package it distrusted). */
export function reapplyTrims (stage: string, trims: Trim[]): void {
  for (const t of trims) {
    const dir = join(stage, 'node_modules', t.pkg)
    if (!existsSync(dir)) continue
    const walk = (d: string): void => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, e.name)
        if (t.drop(relative(dir, p).split(sep).join('/'))) rmSync(p, { recursive: true, force: true })
        else if (e.isDirectory() && e.name !== 'node_modules') walk(p)
      }
    }
    walk(dir)
  }
}

/**
 * `npm prune --omit=dev` offline, scripts off: removes whatever production does not need and fails
 * (rather than fetching) if the copied tree lacks a production package. The lock is left as it was.
 */
export function pruneOffline (stage: string): void {
  const lockBefore = readFileSync(join(stage, 'package-lock.json'))
  const res = spawnSync('npm', ['prune', '--omit=dev', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: stage,
    encoding: 'utf8',
    env: { ...process.env, npm_config_offline: 'true' }
  })
  if (res.status !== 0) throw new Error(`npm prune --omit=dev --offline failed (${res.status ?? res.signal}):\n${res.stdout}${res.stderr}`)
  // "changed"/"added" would mean npm re-extracted packages from its cache: the copy was not what npm installed.
  if (/\b(added|changed) \d+ package/.test(res.stdout)) throw new Error(`npm prune had to re-install packages in the staging copy:\n${res.stdout}`)
  if (!readFileSync(join(stage, 'package-lock.json')).equals(lockBefore)) throw new Error('npm prune changed package-lock.json: the installed node_modules do not match the lock (run npm ci)')
  // Command shims (.bin) are for developers; some point at trimmed generators.
  rmSync(join(stage, 'node_modules', '.bin'), { recursive: true, force: true })
}

/** Native addons (.node files) in the tree, relative to `dir`. */
export function nativeAddons (dir: string): string[] {
  const out: string[] = []
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name)
      if (e.isDirectory()) walk(p)
      else if (e.isFile() && e.name.endsWith('.node')) out.push(relative(dir, p).split(sep).join('/'))
    }
  }
  walk(dir)
  return out.sort()
}
