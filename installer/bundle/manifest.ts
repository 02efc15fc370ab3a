// The bundle's own description: SHA256SUMS (every regular file, in `sha256sum -c` format, so the
// installer verifies an unpacked release with coreutils alone) and BUNDLE.json (what it is, for
// which machine, and the digest of SHA256SUMS). BUNDLE.json keeps every scalar at the top level, one
// per line, so install.sh reads it with sed where no jq is installed.

import { createHash } from 'node:crypto'
import { closeSync, lstatSync, openSync, readdirSync, readSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const SUMS_FILE = 'SHA256SUMS'
export const META_FILE = 'BUNDLE.json'

export interface BundleMeta {
  name: string
  version: string
  platform: string
  arch: string
  /** The Node.js runtime the bundle was built with and its module ABI (native addons need the same). */
  node: string
  nodeAbi: string
  /** node/bin/node is in the bundle; false: the box must have a Node.js of the same ABI. */
  nodeIncluded: boolean
  gitCommit: string | null
  gitDirty: boolean
  builtAt: string
  /** The last database migration this program knows. */
  schemaVersion: number
  files: number
  unpackedBytes: number
  /** sha256 of SHA256SUMS, hex. */
  sha256sums: string
  /** Per top-level part: files, bytes, and the sha256 of its lines of SHA256SUMS. */
  parts: Record<string, { files: number, bytes: number, sha256: string }>
  nativeAddons: string[]
}

interface FileSum { path: string, sha256: string, bytes: number }

function hashFile (path: string): string {
  const h = createHash('sha256')
  const buf = Buffer.allocUnsafe(1 << 20)
  const fd = openSync(path, 'r')
  try {
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0;) h.update(buf.subarray(0, n))
  } finally {
    closeSync(fd)
  }
  return h.digest('hex')
}

/** Every regular file under `dir` (symlinks are not followed), sorted by path. */
export function sumFiles (dir: string, skip: string[] = [SUMS_FILE, META_FILE]): FileSum[] {
  const out: FileSum[] = []
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const r = rel === '' ? name : `${rel}/${name}`
      if (rel === '' && skip.includes(name)) continue
      const st = lstatSync(join(dir, r))
      if (st.isDirectory()) walk(r)
      else if (st.isFile()) out.push({ path: r, sha256: hashFile(join(dir, r)), bytes: st.size })
    }
  }
  walk('')
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}

const sumLine = (f: FileSum): string => {
  // sha256sum -c cannot take a newline or backslash in a name without escaping; none of ours have one.
  if (/[\n\\]/.test(f.path)) throw new Error(`file name not supported in SHA256SUMS: ${JSON.stringify(f.path)}`)
  return `${f.sha256}  ${f.path}\n`
}

/** Writes SHA256SUMS and BUNDLE.json into `dir`; returns the metadata written. */
export function writeManifest (dir: string, base: Omit<BundleMeta, 'files' | 'unpackedBytes' | 'sha256sums' | 'parts'>): BundleMeta {
  const files = sumFiles(dir)
  const sums = files.map(sumLine).join('')
  writeFileSync(join(dir, SUMS_FILE), sums)
  const parts: BundleMeta['parts'] = {}
  const partHash = new Map<string, ReturnType<typeof createHash>>()
  for (const f of files) {
    const top = f.path.split('/')[0]
    const p = (parts[top] ??= { files: 0, bytes: 0, sha256: '' })
    p.files++
    p.bytes += f.bytes
    if (!partHash.has(top)) partHash.set(top, createHash('sha256'))
    partHash.get(top)!.update(sumLine(f))
  }
  for (const [top, h] of partHash) parts[top].sha256 = h.digest('hex')
  const meta: BundleMeta = {
    ...base,
    files: files.length,
    unpackedBytes: files.reduce((n, f) => n + f.bytes, 0),
    sha256sums: createHash('sha256').update(sums).digest('hex'),
    parts
  }
  writeFileSync(join(dir, META_FILE), JSON.stringify(meta, null, 2) + '\n')
  return meta
}
