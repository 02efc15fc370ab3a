// The audit log as CSV (RFC 4180): a header row, CRLF line ends, a field quoted when it holds a
// comma, a quote, CR or LF (quotes doubled inside), JSON columns as their JSON text, null as empty.

import type { AuditRecord } from './audit.js'

export const AUDIT_CSV_COLUMNS = ['id', 'at', 'kind', 'actor', 'subject', 'reason', 'inputs', 'versions', 'prev_hash', 'hash'] as const

export function csvField (value: string | number | null): string {
  if (value === null) return ''
  const s = String(value)
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s
}

export function csvLine (fields: ReadonlyArray<string | number | null>): string {
  return fields.map(csvField).join(',') + '\r\n'
}

export function auditCsvHeader (): string {
  return csvLine(AUDIT_CSV_COLUMNS)
}

export function auditCsvRow (r: AuditRecord): string {
  return csvLine([r.id, r.at, r.kind, r.actor, r.subject, r.reason, JSON.stringify(r.inputs), JSON.stringify(r.versions), r.prevHash, r.hash])
}

/** The header, then one chunk of lines per page of rows. */
export function * auditCsv (pages: Iterable<AuditRecord[]>): Generator<string> {
  yield auditCsvHeader()
  for (const rows of pages) yield rows.map(auditCsvRow).join('')
}
