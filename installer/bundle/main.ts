// `npm run bundle [-- --out DIR] [--no-node]`: the offline bundle a store box installs from,
// dist-bundle/store-edge-<version>-linux-<arch>.tar.gz, with one top folder store-edge-<version>/:
// BUNDLE.json, SHA256SUMS, package files, bin/, dist/ (built now), edge/web/dist (the panel),
// node_modules (production only, native addons for this platform only), device-profiles/, models/,
// installer/ and node/bin/node (this Node.js). Needs no registry: node_modules come from the
// installed tree. Native addons are the ones built here, so the bundle is for this machine's
// platform and architecture. Prints the archive's size and the time taken.

import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createReadStream, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { META_FILE, SUMS_FILE, writeManifest, type BundleMeta } from './manifest.js'
import { copyProductionModules, nativeAddons, pruneOffline, reapplyTrims, trimsFor } from './modules.js'
import { archiveName, buildPanelInto, compile, copyNodeRuntime, copySources, gitInfo, schemaVersion, topDirName } from './stage.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

export const USAGE = `usage: npm run bundle -- [--out DIR] [--no-node] [--gzip-level 1-9]

  --out DIR         where the archive goes (default: dist-bundle/)
  --no-node         leave out node/bin/node: the box must then have Node.js ${process.version} (same module ABI)
  --gzip-level N    1 (fast, ~10% larger) to 9 (default 6)
`

export interface BundleResult {
  archive: string
  meta: BundleMeta
  bytes: number
  seconds: number
}

const MB = 1024 * 1024
const mb = (n: number): string => `${(n / MB).toFixed(1)} MB`

function sha256OfFile (path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256')
    createReadStream(path).on('data', (c) => h.update(c)).once('error', reject).once('end', () => resolve(h.digest('hex')))
  })
}

/** Builds the bundle; `log` gets one line per step. */
export async function buildBundle (opts: { out: string, node: boolean, gzipLevel: number, log?: (line: string) => void }): Promise<BundleResult> {
  const started = process.hrtime.bigint()
  const elapsed = (): string => `${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s`
  const log = (line: string): void => opts.log?.(`[${elapsed()}] ${line}`)
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string, version: string }
  if (process.platform !== 'linux') throw new Error(`bundles are built on the platform they run on (linux); this is ${process.platform}`)
  const platform = process.platform
  const arch = process.arch
  mkdirSync(opts.out, { recursive: true })
  // Staging beside the archive (same file system): the final rename is atomic.
  const staging = mkdtempSync(join(opts.out, '.staging-'))
  try {
    const top = topDirName(pkg.version)
    const stage = join(staging, top)
    mkdirSync(stage)
    log(`building ${top} for ${platform}-${arch} in ${staging}`)
    const compiled = compile(ROOT, stage)
    copySources(ROOT, stage)
    const trims = trimsFor(platform, arch)
    const modules = copyProductionModules(ROOT, stage, trims)
    log(`node_modules: ${modules.packages} production packages`)
    for (const t of modules.trimmed) if (t.bytes > 0) log(`  left out ${mb(t.bytes)}: ${t.why}`)
    pruneOffline(stage)
    reapplyTrims(stage, trims)
    log('npm prune --omit=dev --offline: done')
    if (opts.node) copyNodeRuntime(stage)
    await compiled
    await buildPanelInto(stage)
    log('built dist/ and the panel')
    const git = gitInfo(ROOT)
    const meta = writeManifest(stage, {
      name: pkg.name,
      version: pkg.version,
      platform,
      arch,
      node: process.version,
      nodeAbi: process.versions.modules,
      nodeIncluded: opts.node,
      gitCommit: git.commit,
      gitDirty: git.dirty,
      builtAt: new Date().toISOString(),
      schemaVersion: await schemaVersion(),
      nativeAddons: nativeAddons(join(stage, 'node_modules'))
    })
    const name = archiveName(pkg.version, platform, arch)
    const tmp = join(staging, name)
    // BUNDLE.json first, so an installer can read it without decompressing the whole archive.
    const members = [META_FILE, SUMS_FILE, ...readdirSync(stage).filter((f) => f !== META_FILE && f !== SUMS_FILE).sort()].map((f) => `${top}/${f}`)
    log(`wrote ${SUMS_FILE} and ${META_FILE}; compressing (gzip -${opts.gzipLevel})`)
    const tar = spawnSync('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '-I', `gzip -${opts.gzipLevel}`, '-cf', tmp, '-C', staging, ...members], { encoding: 'utf8' })
    if (tar.status !== 0) throw new Error(`tar failed (${tar.status ?? tar.signal}): ${tar.stderr}`)
    const archive = join(opts.out, name)
    renameSync(tmp, archive)
    writeFileSync(`${archive}.sha256`, `${await sha256OfFile(archive)}  ${name}\n`)
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    return { archive, meta, bytes: statSync(archive).size, seconds }
  } finally {
    rmSync(staging, { recursive: true, force: true })
  }
}

async function cli (argv: string[]): Promise<number> {
  let values
  try {
    values = parseArgs({ args: argv, options: { out: { type: 'string' }, 'no-node': { type: 'boolean', default: false }, 'gzip-level': { type: 'string', default: '6' }, help: { type: 'boolean', short: 'h', default: false } } }).values
    if (!/^[1-9]$/.test(values['gzip-level'])) throw new Error(`--gzip-level must be 1-9, got ${JSON.stringify(values['gzip-level'])}`)
  } catch (err) {
    process.stderr.write(`bundle: ${(err as Error).message}\n\n${USAGE}`)
    return 2
  }
  if (values.help) {
    process.stdout.write(USAGE)
    return 0
  }
  const res = await buildBundle({ out: resolve(values.out ?? join(ROOT, 'dist-bundle')), node: !values['no-node'], gzipLevel: Number(values['gzip-level']), log: (l) => process.stdout.write(l + '\n') })
  const m = res.meta
  process.stdout.write(`${res.archive}\n  ${mb(res.bytes)} (${mb(m.unpackedBytes)} unpacked, ${m.files} files), built in ${res.seconds.toFixed(1)} s\n` +
    `  version ${m.version}, schema ${m.schemaVersion}, node ${m.node}${m.nodeIncluded ? ' (included)' : ' (not included)'}, commit ${m.gitCommit ?? 'none'}${m.gitDirty ? ' (uncommitted changes)' : ''}\n`)
  return 0
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  cli(process.argv.slice(2)).then((code) => { process.exitCode = code }, (err: Error) => {
    process.stderr.write(`bundle: ${err.message}\n`)
    process.exitCode = 1
  })
}
