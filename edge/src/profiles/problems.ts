// Problems found in profile files, and how they are written: `file: /json/pointer: what is wrong`.

import { isAbsolute, relative } from 'node:path'
import type { ProfileProblem } from './types.js'

/** A problem inside one file, before the file name is known. */
export interface Finding {
  pointer: string
  message: string
}

/** A JSON pointer (RFC 6901) from keys and indexes, `~` and `/` escaped. */
export function pointer (...segments: Array<string | number>): string {
  let out = ''
  for (const s of segments) out += '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')
  return out
}

/** The file as a person would type it: relative to the working directory when inside it. */
export function displayPath (file: string, cwd: string = process.cwd()): string {
  const rel = relative(cwd, file)
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file
}

export function problemsOf (file: string, findings: readonly Finding[]): ProfileProblem[] {
  return findings.map((f) => ({ file, pointer: f.pointer, message: f.message }))
}

/** `device-profiles/foo.json: /streams/0/events/fields/qty/codec: unknown codec "gramz"` */
export function formatProblem (p: ProfileProblem): string {
  return p.pointer === '' ? `${p.file}: ${p.message}` : `${p.file}: ${p.pointer}: ${p.message}`
}
