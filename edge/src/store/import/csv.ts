// A small RFC 4180 CSV reader: quoted fields, doubled quotes, CRLF or LF, a header row. Each record
// keeps the line it starts on so import errors can name it.

export interface CsvRecord {
  line: number
  values: Record<string, string>
}

export class CsvError extends Error {
  constructor (readonly line: number, message: string) { super(message) }
}

export function parseCsv (text: string): { header: string[], records: CsvRecord[] } {
  const rows: Array<{ line: number, cells: string[] }> = []
  let cells: string[] = []
  let cell = ''
  let quoted = false
  let line = 1
  let rowLine = 1
  let i = 0
  if (text.charCodeAt(0) === 0xfeff) i = 1 // byte order mark from spreadsheet exports
  for (; i < text.length; i++) {
    const ch = text[i]
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') { cell += '"'; i++ } else quoted = false
      } else {
        if (ch === '\n') line++
        cell += ch
      }
      continue
    }
    if (ch === '"' && cell === '') quoted = true
    else if (ch === ',') { cells.push(cell); cell = '' } else if (ch === '\r' && text[i + 1] === '\n') continue
    else if (ch === '\n' || ch === '\r') {
      cells.push(cell)
      rows.push({ line: rowLine, cells })
      cells = []
      cell = ''
      line++
      rowLine = line
    } else cell += ch
  }
  if (quoted) throw new CsvError(rowLine, `line ${rowLine}: quoted field is not closed`)
  if (cell !== '' || cells.length > 0) { cells.push(cell); rows.push({ line: rowLine, cells }) }
  const nonEmpty = rows.filter((r) => !(r.cells.length === 1 && r.cells[0].trim() === ''))
  if (nonEmpty.length === 0) throw new CsvError(1, 'file is empty: a header row is needed')
  const header = nonEmpty[0].cells.map((h) => h.trim())
  const records: CsvRecord[] = []
  for (const r of nonEmpty.slice(1)) {
    if (r.cells.length !== header.length) {
      throw new CsvError(r.line, `line ${r.line}: ${r.cells.length} fields where the header has ${header.length}`)
    }
    const values: Record<string, string> = {}
    header.forEach((h, k) => { values[h] = r.cells[k] })
    records.push({ line: r.line, values })
  }
  return { header, records }
}
