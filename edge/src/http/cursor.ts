// Opaque paging cursors: the key of the last row a page returned, as base64url JSON. Clients pass
// back what they were given; anything else is EDGE_ERR_BAD_CURSOR, not a silently wrong page.

import { EdgeError, Errors } from '../core/errors.js'

export function encodeCursor (key: readonly string[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url')
}

/** The key of `arity` strings inside a cursor; throws EDGE_ERR_BAD_CURSOR for anything else. */
export function decodeCursor (cursor: string, arity: number): string[] {
  let key: unknown
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url')
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    key = null
  }
  if (!Array.isArray(key) || key.length !== arity || !key.every((k) => typeof k === 'string')) {
    throw new EdgeError(Errors.BAD_CURSOR, `cursor ${JSON.stringify(cursor.slice(0, 80))} is not one this server handed out; pass "next" from the previous page as is`)
  }
  return key as string[]
}
