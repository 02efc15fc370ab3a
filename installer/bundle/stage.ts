// Fills the staging folder of a bundle with everything but node_modules: a fresh build (tsc into
// stage/dist, the panel into stage/edge/web/dist, so no stale file of an earlier build ships), bin/,
// the package files, the device profiles, the shipped models (the .onnx files and their cards, not
// the training scripts) and the installer (not its tests nor this builder).

import { spawn, spawnSync } from 'node:child_process'
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs'
import { join, relative, sep } from 'node:path'

/** Compiles the server and relay into stage/dist (a child process: it runs beside the node_modules copy). */
export function compile (root: string, stage: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
    const proc = spawn(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', join(stage, 'dist')], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    proc.stdout.on('data', (c: Buffer) => { out += c.toString() })
    proc.stderr.on('data', (c: Buffer) => { out += c.toString() })
    proc.once('error', reject)
    proc.once('exit', (code) => {
      if (code === 0) resolve()
      else reject(new Error(`tsc -p tsconfig.build.json failed (${String(code)}):\n${out}`))
    })
  })
}

/** The built panel's files, where the server looks for them (projectRoot/edge/web/dist). */
export async function buildPanelInto (stage: string): Promise<void> {
  const { buildPanel } = await import('../../edge/web/build.js')
  await buildPanel(join(stage, 'edge', 'web', 'dist'))
}

/** Files the models folder ships: the model files and their cards. */
export function isShippedModelFile (name: string): boolean {
  return name.endsWith('.onnx') || name.endsWith('.card.json') || name === 'model-card.json' || name === 'MODEL_CARD.md'
}

export function copySources (root: string, stage: string): void {
  for (const f of ['package.json', 'package-lock.json']) copyFileSync(join(root, f), join(stage, f))
  cpSync(join(root, 'bin'), join(stage, 'bin'), { recursive: true })
  cpSync(join(root, 'device-profiles'), join(stage, 'device-profiles'), { recursive: true })
  const models = join(root, 'models')
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name)
      if (e.isDirectory()) walk(p)
      else if (e.isFile() && isShippedModelFile(e.name)) {
        const to = join(stage, 'models', relative(models, p))
        mkdirSync(join(to, '..'), { recursive: true })
        copyFileSync(p, to)
      }
    }
  }
  walk(models)
  const installer = join(root, 'installer')
  cpSync(installer, join(stage, 'installer'), {
    recursive: true,
    filter: (src) => {
      const top = relative(installer, src).split(sep)[0]
      return top !== 'test' && top !== 'bundle'
    }
  })
}

/**
 * The Node.js runtime running this build, as node/bin/node. A runtime that loads libnode.so (some
 * distribution packages) cannot be copied alone: that is an error, and --no-node the way out.
 */
export function copyNodeRuntime (stage: string): void {
  const ldd = spawnSync('ldd', [process.execPath], { encoding: 'utf8' })
  if (ldd.status === 0 && /\blibnode\.so/.test(ldd.stdout)) {
    throw new Error(`${process.execPath} loads libnode.so, so it cannot be shipped alone: build with an official Node.js build, or pass --no-node (the box then needs Node.js ${process.version})`)
  }
  mkdirSync(join(stage, 'node', 'bin'), { recursive: true })
  const to = join(stage, 'node', 'bin', 'node')
  copyFileSync(process.execPath, to)
  chmodSync(to, 0o755)
}

/** The last migration number: the schema this program writes (upgrade and restore compare it). */
export async function schemaVersion (): Promise<number> {
  const { migrations } = await import('../../edge/src/store/migrations/index.js')
  const { latestVersion } = await import('../../edge/src/store/migrate.js')
  return latestVersion(migrations)
}

export function gitInfo (root: string): { commit: string | null, dirty: boolean } {
  if (!existsSync(join(root, '.git'))) return { commit: null, dirty: false }
  const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' })
  if (head.status !== 0) return { commit: null, dirty: false }
  const status = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' })
  return { commit: head.stdout.trim(), dirty: status.stdout.trim() !== '' }
}

export const topDirName = (version: string): string => `store-edge-${version}`
export const archiveName = (version: string, platform: string, arch: string): string => `${topDirName(version)}-${platform}-${arch}.tar.gz`
