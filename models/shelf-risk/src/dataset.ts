// Reads the simulator's training export (one CSV or a directory of them) into columns, streaming:
// a few hundred thousand rows never sit in memory as text. The header must be exactly the
// contract below; a row that does not parse stops the read with its file, line and column, because
// a silently skipped row is a silently biased model.
//
// Columns: seed,policy,scenario,store,category,sku,location,ts, then the FEATURES in spec order,
// then label (0/1). Feature values are clamped into the spec ranges exactly as the server clamps
// them before scoring, so the model trains on what it will be fed.

import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { StringDecoder } from 'node:string_decoder'
import { FEATURE_COUNT, FEATURE_NAMES, FEATURES } from '../../../edge/src/scoring/spec.js'
import type { Examples } from './examples.js'

export const META_COLUMNS = ['seed', 'policy', 'scenario', 'store', 'category', 'sku', 'location', 'ts'] as const
export const LABEL_COLUMN = 'label'
export const DATASET_COLUMNS: readonly string[] = [...META_COLUMNS, ...FEATURE_NAMES, LABEL_COLUMN]

const SEED = 0
const POLICY = 1
const SCENARIO = 2
const STORE = 3
const CATEGORY = 4
const FIRST_FEATURE = META_COLUMNS.length
const LABEL = FIRST_FEATURE + FEATURE_COUNT

export type DatasetErrorCode = 'SHELF_RISK_NO_DATA' | 'SHELF_RISK_BAD_HEADER' | 'SHELF_RISK_BAD_ROW'

export class DatasetError extends Error {
  constructor (
    readonly code: DatasetErrorCode,
    message: string,
    readonly file?: string,
    readonly line?: number,
    readonly column?: string
  ) {
    super(message)
    this.name = 'DatasetError'
  }
}

export interface DataFile {
  /** File name relative to the data path (no machine-specific directories: it goes in the card). */
  name: string
  bytes: number
  sha256: string
  rows: number
}

export interface ShelfRiskData extends Examples {
  /** The simulator seed of each row's run: the unit of every train/test split. */
  seeds: Float64Array
  /** Index into `categories` per row. */
  category: Uint16Array
  categories: string[]
  /** Index into `scenarios` per row. */
  scenario: Uint16Array
  scenarios: string[]
  /** Index into `policies` per row: how the simulated store was run (traditional, store-edge). */
  policy: Uint16Array
  policies: string[]
  stores: string[]
  files: DataFile[]
  /** sha256 over the files' names and sha256s, in read order. */
  sha256: string
  /** Feature values found outside their spec range and clamped into it. */
  clamped: number
}

/** The CSV files at `path`: the file itself, or a directory's *.csv in name order; [] when none. */
export async function dataFiles (path: string): Promise<string[]> {
  const st = await stat(path).catch(() => undefined)
  if (st === undefined) return []
  if (st.isFile()) return [path]
  const names = (await readdir(path)).filter((n) => n.endsWith('.csv'))
  // Byte order, not locale order: the same files are read in the same order on every machine.
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  return names.map((n) => join(path, n))
}

export async function readDataset (path: string): Promise<ShelfRiskData> {
  const files = await dataFiles(path)
  if (files.length === 0) throw new DatasetError('SHELF_RISK_NO_DATA', `no CSV files at ${path}`)
  const acc = new Accumulator()
  const read: DataFile[] = []
  for (const file of files) read.push(await readFile(file, acc))
  if (acc.rows === 0) throw new DatasetError('SHELF_RISK_NO_DATA', `no data rows in ${files.join(', ')}`)
  const digest = createHash('sha256')
  for (const f of read) digest.update(`${f.name} ${f.sha256}\n`)
  return { ...acc.finish(), files: read, sha256: digest.digest('hex') }
}

async function readFile (file: string, acc: Accumulator): Promise<DataFile> {
  const digest = createHash('sha256')
  const decoder = new StringDecoder('utf8')
  let bytes = 0
  let rest = ''
  let lineNo = 0
  const before = acc.rows
  const onLine = (line: string): void => {
    lineNo++
    if (line.endsWith('\r')) line = line.slice(0, -1)
    if (lineNo === 1) return checkHeader(file, splitCsv(line))
    if (line === '') return // a trailing newline, or blank lines between runs
    acc.add(file, lineNo, splitCsv(line))
  }
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    digest.update(chunk)
    bytes += chunk.length
    const text = rest + decoder.write(chunk)
    let start = 0
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      onLine(text.slice(start, nl))
      start = nl + 1
    }
    rest = text.slice(start)
  }
  rest += decoder.end()
  if (rest !== '') onLine(rest)
  if (lineNo === 0) throw new DatasetError('SHELF_RISK_BAD_HEADER', `${file}: empty file, no header`, file, 1)
  return { name: basename(file), bytes, sha256: digest.digest('hex'), rows: acc.rows - before }
}

function checkHeader (file: string, header: string[]): void {
  for (let i = 0; i < Math.max(header.length, DATASET_COLUMNS.length); i++) {
    const want = DATASET_COLUMNS[i]
    const got = header[i]
    if (got === want) continue
    const what = want === undefined
      ? `extra column ${i + 1} "${got}" after "${LABEL_COLUMN}"`
      : got === undefined
        ? `column ${i + 1} "${want}" is missing`
        : `column ${i + 1} is "${got}" where the spec expects "${want}"`
    throw new DatasetError('SHELF_RISK_BAD_HEADER', `${file}:1: ${what} (columns: ${DATASET_COLUMNS.join(',')})`, file, 1, want ?? got)
  }
}

/** Splits one CSV line; quotes only where a field has them (RFC 4180 doubling of quotes inside). */
export function splitCsv (line: string): string[] {
  if (!line.includes('"')) return line.split(',')
  const out: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (quoted) {
      if (c !== '"') field += c
      else if (line[i + 1] === '"') { field += '"'; i++ } else quoted = false
    } else if (c === '"') quoted = true
    else if (c === ',') { out.push(field); field = '' } else field += c
  }
  out.push(field)
  return out
}

/** Dictionary-encodes a text column: each distinct value once, in order of first appearance. */
class Dictionary {
  readonly values: string[] = []
  private readonly index = new Map<string, number>()
  code (v: string): number {
    let i = this.index.get(v)
    if (i === undefined) {
      i = this.values.length
      if (i > 0xffff) throw new Error(`more than 65536 distinct values (at "${v}")`)
      this.values.push(v)
      this.index.set(v, i)
    }
    return i
  }
}

/** Growing typed columns; doubled when full, trimmed at the end. */
class Accumulator {
  rows = 0
  clamped = 0
  private capacity = 1 << 16 // rows
  private columns = FEATURES.map(() => new Float32Array(this.capacity))
  private labels = new Uint8Array(this.capacity)
  private seeds = new Float64Array(this.capacity)
  private category = new Uint16Array(this.capacity)
  private scenario = new Uint16Array(this.capacity)
  private policy = new Uint16Array(this.capacity)
  private readonly categories = new Dictionary()
  private readonly scenarios = new Dictionary()
  private readonly policies = new Dictionary()
  private readonly stores = new Set<string>()

  add (file: string, line: number, f: string[]): void {
    const bad = (column: string, why: string): DatasetError =>
      new DatasetError('SHELF_RISK_BAD_ROW', `${file}:${line}: ${why}`, file, line, column)
    if (f.length !== DATASET_COLUMNS.length) {
      throw bad('', `${f.length} fields where the header has ${DATASET_COLUMNS.length}`)
    }
    if (this.rows === this.capacity) this.grow()
    const r = this.rows
    const seed = f[SEED] === '' ? NaN : Number(f[SEED])
    if (!Number.isSafeInteger(seed)) throw bad('seed', `seed "${f[SEED]}" is not an integer`)
    this.seeds[r] = seed
    for (let j = 0; j < FEATURE_COUNT; j++) {
      const s = f[FIRST_FEATURE + j]
      const x = s === '' ? NaN : Number(s)
      const spec = FEATURES[j]
      if (!Number.isFinite(x)) throw bad(spec.name, `column "${spec.name}" is "${s}", not a finite number`)
      if (x < spec.min) { this.columns[j][r] = spec.min; this.clamped++ } else if (x > spec.max) { this.columns[j][r] = spec.max; this.clamped++ } else this.columns[j][r] = x
    }
    const label = f[LABEL]
    if (label !== '0' && label !== '1') throw bad(LABEL_COLUMN, `label is "${label}", not 0 or 1`)
    this.labels[r] = label === '1' ? 1 : 0
    this.category[r] = this.categories.code(f[CATEGORY])
    this.scenario[r] = this.scenarios.code(f[SCENARIO])
    this.policy[r] = this.policies.code(f[POLICY])
    this.stores.add(f[STORE])
    this.rows++
  }

  finish (): Omit<ShelfRiskData, 'files' | 'sha256'> {
    const n = this.rows
    const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
    return {
      rows: n,
      columns: this.columns.map((c) => c.slice(0, n)),
      labels: this.labels.slice(0, n),
      seeds: this.seeds.slice(0, n),
      category: this.category.slice(0, n),
      categories: this.categories.values,
      scenario: this.scenario.slice(0, n),
      scenarios: this.scenarios.values,
      policy: this.policy.slice(0, n),
      policies: this.policies.values,
      stores: [...this.stores].sort(byName),
      clamped: this.clamped
    }
  }

  private grow (): void {
    this.capacity *= 2
    const widen = <T extends Float32Array | Float64Array | Uint8Array | Uint16Array>(a: T, make: (n: number) => T): T => {
      const b = make(this.capacity)
      b.set(a)
      return b
    }
    this.columns = this.columns.map((c) => widen(c, (n) => new Float32Array(n)))
    this.labels = widen(this.labels, (n) => new Uint8Array(n))
    this.seeds = widen(this.seeds, (n) => new Float64Array(n))
    this.category = widen(this.category, (n) => new Uint16Array(n))
    this.scenario = widen(this.scenario, (n) => new Uint16Array(n))
    this.policy = widen(this.policy, (n) => new Uint16Array(n))
  }
}
