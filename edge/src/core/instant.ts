// ISO 8601 instants as clock settings take them (clockStart, PUT /api/v1/clock): a date-time with
// a zone, so "08:00" can never mean the server's local time by accident. Date.parse alone would
// take "2016-02-30" (as March 1) and zone-less times (as local time).

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):?(\d{2}))$/i

/** Epoch milliseconds of an ISO 8601 date-time with zone (Z or +hh:mm), or null if it is not one. */
export function parseInstant (text: string): number | null {
  const m = INSTANT.exec(text)
  if (!m) return null
  const [y, mo, d, h, mi] = [m[1], m[2], m[3], m[4], m[5]].map(Number)
  const s = m[6] === undefined ? 0 : Number(m[6])
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0')) // finer than ms is cut
  const offH = m[10] === undefined ? 0 : Number(m[10])
  const offM = m[11] === undefined ? 0 : Number(m[11])
  if (mo < 1 || mo > 12 || h > 23 || mi > 59 || s > 59 || offH > 23 || offM > 59) return null
  const day = new Date(Date.UTC(y, mo - 1, d))
  if (d < 1 || day.getUTCDate() !== d || day.getUTCMonth() !== mo - 1) return null // 30 February
  const sign = m[9] === '-' ? -1 : 1
  return Date.UTC(y, mo - 1, d, h, mi, s, ms) - sign * (offH * 60 + offM) * 60_000
}
