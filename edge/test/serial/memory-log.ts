// A real pino logger writing into an array, so tests can check what was logged and at what level.

import { Writable } from 'node:stream'
import { createLog, type Log } from '../../src/core/log.js'

export interface LogLine {
  level: number // pino: 20 debug, 30 info, 40 warn, 50 error
  msg: string
  [key: string]: unknown
}

export const WARN = 40

export function memoryLog (level = 'debug'): { log: Log, lines: LogLine[] } {
  const lines: LogLine[] = []
  const destination = new Writable({
    write (chunk, _encoding, done) {
      for (const text of String(chunk).split('\n')) if (text !== '') lines.push(JSON.parse(text) as LogLine)
      done()
    }
  })
  return { log: createLog({ level, destination }), lines }
}
