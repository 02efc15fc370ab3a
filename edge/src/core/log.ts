import { pino, type Logger, type LoggerOptions } from 'pino'

export type Log = Logger

export interface LogOptions {
  level: string
  /** Write to this stream instead of stdout (tests pass a sink). */
  destination?: NodeJS.WritableStream
}

// Secrets never reach a log line: device secrets, bearer tokens, TLS keys.
const redact = {
  paths: [
    'secret', '*.secret', 'password', '*.password', 'req.headers.authorization',
    'headers.authorization', 'adminToken', '*.adminToken', 'relayToken', '*.relayToken', 'tlsKey', '*.tlsKey'
  ],
  censor: '[redacted]'
}

export function createLog (opts: LogOptions): Log {
  const options: LoggerOptions = { level: opts.level, redact, base: { app: 'store-edge' } }
  return opts.destination ? pino(options, opts.destination as never) : pino(options)
}

/** A logger that drops everything, for tests that do not look at logs. */
export function silentLog (): Log {
  return pino({ level: 'silent' })
}
