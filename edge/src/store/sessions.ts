// Panel sessions: a random token in an HttpOnly cookie; we keep only its SHA-256. A session ends
// after sessionIdleMin without a request, or sessionMaxHours after sign-in (a shift), whichever
// comes first, or at sign-out. Wall-clock times (see migration 013).

import type { Database } from 'better-sqlite3'
import { createHash, randomBytes } from 'node:crypto'
import type { Account, Role } from './accounts.js'

export interface Session {
  username: string
  displayName: string
  role: Role
  createdAt: string
  expiresAt: string
}

export interface SessionLimits {
  /** Milliseconds without a request after which the session ends. */
  idleMs: number
  /** Milliseconds after sign-in after which it ends anyway. */
  maxMs: number
}

const tokenHash = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest()
// last_seen_at is written at most this often, ms: a panel polling every few seconds must not turn
// every read into a write.
const TOUCH_EVERY_MS = 30_000

export class Sessions {
  constructor (private readonly db: Database, private readonly limits: SessionLimits, private readonly now: () => number = Date.now) {}

  create (account: Account, userAgent: string | null): { token: string, session: Session } {
    const token = randomBytes(32).toString('base64url')
    const now = this.now()
    const expiresAt = now + this.limits.maxMs
    this.db.prepare('DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?').run(now, now - this.limits.idleMs)
    this.db.prepare('INSERT INTO sessions (token_hash, username, created_at, last_seen_at, expires_at, user_agent) VALUES (?, ?, ?, ?, ?, ?)')
      .run(tokenHash(token), account.username, now, now, expiresAt, userAgent?.slice(0, 200) ?? null)
    return { token, session: { username: account.username, displayName: account.displayName, role: account.role, createdAt: new Date(now).toISOString(), expiresAt: new Date(expiresAt).toISOString() } }
  }

  /** The session a token names, or null when unknown, ended, or its account is inactive; refreshes its idle time. */
  resolve (token: string): Session | null {
    const h = tokenHash(token)
    const r = this.db.prepare(`SELECT s.created_at, s.last_seen_at, s.expires_at, a.username, a.display_name, a.role, a.active
      FROM sessions s JOIN accounts a ON a.username = s.username WHERE s.token_hash = ?`).get(h) as
      { created_at: number, last_seen_at: number, expires_at: number, username: string, display_name: string, role: Role, active: number } | undefined
    if (!r) return null
    const now = this.now()
    if (r.active !== 1 || r.expires_at <= now || r.last_seen_at + this.limits.idleMs <= now) {
      this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(h)
      return null
    }
    if (now - r.last_seen_at >= TOUCH_EVERY_MS) this.db.prepare('UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?').run(now, h)
    return { username: r.username, displayName: r.display_name, role: r.role, createdAt: new Date(r.created_at).toISOString(), expiresAt: new Date(Math.min(r.expires_at, now + this.limits.idleMs)).toISOString() }
  }

  end (token: string): void {
    this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash(token))
  }
}
