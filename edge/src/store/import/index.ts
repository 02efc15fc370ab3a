// Master data import from CSV or JSON: parse, validate every row, check references, then write all
// in one transaction. Any problem rejects the whole import with every problem listed.

import type { Database } from 'better-sqlite3'
import { EdgeError, Errors } from '../../core/errors.js'
import { CsvError, parseCsv } from './csv.js'
import { applyMasterData, crossCheck, type ImportSummary, type MasterData } from './apply.js'
import { readItems, readLocations, readOnHand, type ImportKind, type RawRow, type RowProblem } from './rows.js'

export type { ImportSummary, RowProblem, ImportKind }

export interface ImportInput {
  format: 'csv' | 'json'
  /** Required for CSV (one section per file). JSON may instead hold {locations, items, onHand}. */
  kind?: ImportKind
  text: string
}

export const IMPORT_KINDS: readonly ImportKind[] = ['items', 'locations', 'onHand']

/** Accepts the spellings operators type: on-hand, onhand, on_hand. */
export function parseKind (s: string): ImportKind | undefined {
  const k = s.toLowerCase().replace(/[\s_-]/g, '')
  if (k === 'items') return 'items'
  if (k === 'locations') return 'locations'
  if (k === 'onhand') return 'onHand'
  return undefined
}

function sectionsFrom (input: ImportInput): Record<ImportKind, RawRow[]> {
  const sections: Record<ImportKind, RawRow[]> = { items: [], locations: [], onHand: [] }
  if (input.format === 'csv') {
    if (!input.kind) throw new EdgeError(Errors.IMPORT_FORMAT, 'a CSV import needs its kind: items, locations or on-hand')
    try {
      sections[input.kind] = parseCsv(input.text).records.map((r, i) => ({ row: i + 1, line: r.line, values: r.values }))
    } catch (err) {
      if (err instanceof CsvError) {
        throw new EdgeError(Errors.IMPORT_INVALID, err.message, { problems: [{ row: 0, line: err.line, section: input.kind, message: err.message }] })
      }
      throw err
    }
    return sections
  }
  let doc: unknown
  try {
    doc = JSON.parse(input.text)
  } catch (err) {
    throw new EdgeError(Errors.IMPORT_FORMAT, `JSON cannot be parsed: ${(err as Error).message}`)
  }
  const toRows = (list: unknown, kind: ImportKind): RawRow[] => {
    if (!Array.isArray(list)) throw new EdgeError(Errors.IMPORT_FORMAT, `"${kind}" must be an array of objects`)
    return list.map((v, i) => {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) {
        throw new EdgeError(Errors.IMPORT_INVALID, `${kind} row ${i + 1} is not an object`, { problems: [{ row: i + 1, section: kind, message: 'not an object' }] })
      }
      return { row: i + 1, values: v as Record<string, unknown> }
    })
  }
  if (Array.isArray(doc)) {
    if (!input.kind) throw new EdgeError(Errors.IMPORT_FORMAT, 'a JSON array needs its kind: items, locations or on-hand')
    sections[input.kind] = toRows(doc, input.kind)
    return sections
  }
  if (doc === null || typeof doc !== 'object') throw new EdgeError(Errors.IMPORT_FORMAT, 'JSON must be an array of rows or an object {locations, items, onHand}')
  const o = doc as Record<string, unknown>
  const unknownKeys = Object.keys(o).filter((k) => parseKind(k) === undefined)
  if (unknownKeys.length > 0) throw new EdgeError(Errors.IMPORT_FORMAT, `unknown section(s) ${unknownKeys.join(', ')}: use locations, items, onHand`)
  for (const [k, v] of Object.entries(o)) {
    const kind = parseKind(k)!
    sections[kind] = toRows(v, kind)
  }
  return sections
}

export function importMasterData (db: Database, input: ImportInput, now: string): ImportSummary {
  const sections = sectionsFrom(input)
  const problems: RowProblem[] = []
  const data: MasterData = {
    locations: readLocations(sections.locations, problems),
    items: readItems(sections.items, problems),
    onHand: readOnHand(sections.onHand, problems)
  }
  if (problems.length === 0) {
    // Rows that passed are indexed by their position among the valid ones; with no problems that
    // is their position in the section.
    const rowOf = (section: ImportKind, i: number): { row: number, line?: number } => {
      const r = sections[section][i]
      return r.line !== undefined ? { row: r.row, line: r.line } : { row: r.row }
    }
    problems.push(...crossCheck(db, data, rowOf))
  }
  if (problems.length > 0) {
    const first = problems.slice(0, 3).map(describe).join('; ')
    throw new EdgeError(Errors.IMPORT_INVALID,
      `${problems.length} problem(s), nothing was imported: ${first}${problems.length > 3 ? '; ...' : ''}`, { problems })
  }
  return applyMasterData(db, data, now)
}

export function describe (p: RowProblem): string {
  const where = p.line !== undefined ? `line ${p.line}` : `${p.section} row ${p.row}`
  return `${where}${p.field ? ` ${p.field}` : ''}: ${p.message}`
}
