// Whether an error means "the database cannot be reached right now" (down, restarting, the
// connection cut, no connection free in time) rather than "this request or this code is wrong".
// The first is answered 503 RELAY_ERR_STORAGE_UNAVAILABLE (the store keeps its rows and tries
// again) and makes the forwarder wait and retry; the second stays a 500 with its stack in the log.

import { RelayErrors, RelayStorageError } from './errors.js'

// SQLSTATE classes and codes (PostgreSQL appendix A) that say the server is not there for us.
const PG_CLASSES = ['08'] // connection exception
const PG_CODES = new Set([
  '57P01', // admin_shutdown: terminated by pg_ctl stop / a restart
  '57P02', // crash_shutdown: another backend crashed
  '57P03', // cannot_connect_now: starting up, shutting down, in recovery
  '53300' // too_many_connections
])
// Socket errors of the connection to the database host.
const NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND'])
// node-postgres reports a dropped or unusable connection with these messages and no code.
const PG_CLIENT_MESSAGES = /^Connection terminated|timeout exceeded when trying to connect|is not queryable|Connection ended unexpectedly/

export function isStorageUnavailable (err: unknown): boolean {
  if (err instanceof RelayStorageError) return err.code === RelayErrors.STORAGE_UNAVAILABLE.code
  if (typeof err !== 'object' || err === null) return false
  const e = err as { code?: unknown, message?: unknown }
  const code = typeof e.code === 'string' ? e.code : ''
  if (PG_CODES.has(code) || PG_CLASSES.includes(code.slice(0, 2)) || NET_CODES.has(code)) return true
  return typeof e.message === 'string' && PG_CLIENT_MESSAGES.test(e.message)
}

/** The stable error a caller sees, naming the cause without a stack. */
export function storageUnavailable (cause: unknown): RelayStorageError {
  const why = cause instanceof Error ? `${(cause as { code?: string }).code ?? ''} ${cause.message}`.trim() : String(cause)
  return new RelayStorageError(RelayErrors.STORAGE_UNAVAILABLE, `${RelayErrors.STORAGE_UNAVAILABLE.message} (${why})`)
}
