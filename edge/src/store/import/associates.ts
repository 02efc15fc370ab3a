// A roster of associates from a CSV file (what HR or the scheduling system exports): one row per
// associate, checked whole before anything is written, so a file with one bad row changes nothing
// and the error names every bad row and field. Columns:
//   id, name, badge, pin (4-12 digits; may be empty for an associate who already has one),
//   zones (";"-separated, empty = every zone), skills (";"-separated task kinds, empty = every kind),
//   shift_start, shift_end (HH:MM, UTC, both or neither), active (yes/no, default yes).

import type { Database } from 'better-sqlite3'
import { EdgeError, Errors } from '../../core/errors.js'
import { Associates, type AssociateInput } from '../associates.js'
import { CsvError, parseCsv } from './csv.js'

const KINDS = new Set(['fill', 'putaway', 'count', 'review'])
const REQUIRED = ['id', 'name', 'badge'] as const
const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/
const PIN = /^[0-9]{4,12}$/
const HHMM = /^([01][0-9]|2[0-3]):([0-5][0-9])$/

/** A bad cell: `line` is the file's line (the header is line 1). */
export interface RosterProblem { line: number, field?: string, message: string }

export interface RosterSummary { created: number, updated: number }

/** Parses and checks a roster; the rows to write, or every problem found. */
export function parseRoster (text: string, known: (id: string) => boolean): { rows: AssociateInput[], problems: RosterProblem[] } {
  let parsed
  try {
    parsed = parseCsv(text)
  } catch (err) {
    if (err instanceof CsvError) return { rows: [], problems: [{ line: err.line, message: err.message }] }
    throw err
  }
  const problems: RosterProblem[] = []
  for (const col of REQUIRED) if (!parsed.header.includes(col)) problems.push({ line: 1, field: col, message: `column "${col}" is missing` })
  if (problems.length > 0) return { rows: [], problems }
  const rows: AssociateInput[] = []
  const ids = new Set<string>()
  const badges = new Set<string>()
  for (const r of parsed.records) {
    const v = (k: string): string => (r.values[k] ?? '').trim()
    const bad = (field: string, message: string): void => { problems.push({ line: r.line, field, message }) }
    const id = v('id')
    if (!ID.test(id)) bad('id', `"${id}" is not an id (letters, digits, _ . -, up to 64)`)
    else if (ids.has(id)) bad('id', `"${id}" appears twice`)
    ids.add(id)
    if (v('name') === '') bad('name', 'is empty')
    const badge = v('badge')
    if (badge === '' || badge.length > 64) bad('badge', 'is empty or longer than 64')
    else if (badges.has(badge)) bad('badge', `"${badge}" appears twice`)
    badges.add(badge)
    const pin = v('pin')
    if (pin !== '' && !PIN.test(pin)) bad('pin', 'must be 4-12 digits')
    if (pin === '' && !known(id)) bad('pin', `associate "${id}" is new: a pin is required`)
    const list = (k: string): string[] => v(k) === '' ? [] : v(k).split(';').map((x) => x.trim()).filter((x) => x !== '')
    const skills = list('skills')
    for (const s of skills) if (!KINDS.has(s)) bad('skills', `"${s}" is not a task kind (fill, putaway, count, review)`)
    const shift = (k: string): number | null => {
      const m = HHMM.exec(v(k))
      if (v(k) === '') return null
      if (!m) { bad(k, `"${v(k)}" is not HH:MM`); return null }
      return Number(m[1]) * 60 + Number(m[2])
    }
    const shiftStart = shift('shift_start')
    const shiftEnd = shift('shift_end')
    if ((v('shift_start') === '') !== (v('shift_end') === '')) bad('shift_end', 'shift_start and shift_end go together')
    const active = v('active').toLowerCase()
    if (active !== '' && active !== 'yes' && active !== 'no') bad('active', 'is yes or no')
    rows.push({ id, name: v('name'), badge, ...(pin === '' ? {} : { pin }), zones: list('zones'), skills, shiftStart, shiftEnd, active: active !== 'no' })
  }
  return { rows, problems }
}

/** Imports a roster in one transaction, or nothing (EDGE_ERR_IMPORT_INVALID listing every problem). */
export function importRoster (db: Database, text: string, nowMs: () => number): RosterSummary {
  const associates = new Associates(db, nowMs)
  const { rows, problems } = parseRoster(text, (id) => associates.get(id) !== undefined)
  if (problems.length > 0) {
    const first = problems.slice(0, 3).map((p) => `line ${p.line}${p.field ? ` ${p.field}` : ''}: ${p.message}`).join('; ')
    throw new EdgeError(Errors.IMPORT_INVALID, `${problems.length} problem(s), nothing was imported: ${first}`, { problems })
  }
  return db.transaction(() => {
    const sum: RosterSummary = { created: 0, updated: 0 }
    // A badge still held by another associate is a conflict (upsert throws): the whole file rolls back.
    for (const r of rows) {
      if (associates.upsert(r).created) sum.created++
      else sum.updated++
    }
    return sum
  }).immediate()
}
