// Time codecs: every device clock format becomes one ISO 8601 UTC string with milliseconds
// (Date#toISOString), because decisions compare and replay by event time. A value that is not a
// real instant (month 13, 30 February, epoch seconds sent as milliseconds) is an error, never a guess.

import { codecError, NO_ARGS, show, toNumber, type CodecDef } from './types.js'

// Accepted instants: 1970-01-01T00:00:00.000Z up to 9999-12-31T23:59:59.999Z, in ms since the epoch.
// Earlier is no device clock; later does not fit the four-digit year of ISO 8601's basic form.
const MIN_MS = 0
const MAX_MS = 253402300799999

function isoFromMs (ms: number, field: string, codec: string, raw: unknown): string {
  if (!(ms >= MIN_MS && ms <= MAX_MS)) throw codecError(field, codec, `${show(raw)} is not a time between 1970 and 9999`)
  return new Date(ms).toISOString()
}

export const epochMs: CodecDef = {
  args: NO_ARGS,
  decode (value, _args, _ctx, field) {
    const ms = toNumber(value)
    if (Number.isNaN(ms)) throw codecError(field, 'epoch-ms', `${show(value)} is not a number of milliseconds`)
    return isoFromMs(Math.round(ms), field, 'epoch-ms', value)
  }
}

export const epochS: CodecDef = {
  args: NO_ARGS,
  decode (value, _args, _ctx, field) {
    const s = toNumber(value)
    if (Number.isNaN(s)) throw codecError(field, 'epoch-s', `${show(value)} is not a number of seconds`)
    // Round: 1714557600.123 * 1000 is 1714557600122.9998 in binary floating point.
    return isoFromMs(Math.round(s * 1000), field, 'epoch-s', value)
  }
}

// RFC 3339 profile of ISO 8601: date, time to at least minutes, and a UTC offset. A time without an
// offset is ambiguous (store local time? device local time?) and so refused.
const ISO = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:[Zz]|([+-])(\d{2}):?(\d{2}))$/

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

function daysIn (year: number, month: number): number {
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  return leap ? 29 : DAYS_IN_MONTH[month - 1]
}

/** Milliseconds since the epoch of an ISO 8601 time with offset, or NaN when it is not a real instant. */
export function parseIso8601 (s: string): number {
  const m = ISO.exec(s)
  if (m === null) return NaN
  const year = +m[1]; const month = +m[2]; const day = +m[3]
  const hour = +m[4]; const minute = +m[5]; const second = m[6] === undefined ? 0 : +m[6]
  // Date.parse accepts 30 February (it rolls over), so the calendar is checked here.
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return NaN
  if (hour > 23 || minute > 59 || second > 59) return NaN
  const ms = m[7] === undefined ? 0 : +(m[7] + '00').slice(0, 3)
  let offsetMin = 0
  if (m[8] !== undefined) {
    const oh = +m[9]; const om = +m[10]
    if (oh > 23 || om > 59) return NaN
    offsetMin = (m[8] === '-' ? -1 : 1) * (oh * 60 + om)
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMin * 60000
}

export const iso8601: CodecDef = {
  args: NO_ARGS,
  decode (value, _args, _ctx, field) {
    const ms = typeof value === 'string' ? parseIso8601(value) : NaN
    if (Number.isNaN(ms)) throw codecError(field, 'iso8601', `${show(value)} is not an ISO 8601 time with a UTC offset`)
    return isoFromMs(ms, field, 'iso8601', value)
  }
}
