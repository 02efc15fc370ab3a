// Associates (the people who do tasks) and their sign-in tokens. A PIN is 4-12 digits, guessable,
// so unlike device secrets (store/devices.ts, HMAC of 192 random bits) it is kept as scrypt with a
// per-associate salt (~50 ms of CPU per sign-in, once a shift). Tokens are 192 random bits: we keep
// only their SHA-256, and a token works only from the device it was issued on.

import type { Database } from 'better-sqlite3'
import { createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto'
import { EdgeError, Errors } from '../core/errors.js'

export interface Associate {
  id: string
  name: string
  badge: string
  zones: string[]
  skills: string[]
  /** Minutes after midnight UTC, or null. */
  shiftStart: number | null
  shiftEnd: number | null
  active: boolean
}

export interface AssociateInput {
  id: string
  name: string
  badge: string
  /** Required when the associate is new; kept as it was when left out of an update. */
  pin?: string
  zones?: string[]
  skills?: string[]
  shiftStart?: number | null
  shiftEnd?: number | null
  active?: boolean
}

interface AssociateRow {
  id: string
  name: string
  badge: string
  pin_salt: Buffer
  pin_hash: Buffer
  zones: string
  skills: string
  shift_start: number | null
  shift_end: number | null
  active: 0 | 1
}

const PIN_KEY_BYTES = 32

function toAssociate (r: AssociateRow): Associate {
  return {
    id: r.id,
    name: r.name,
    badge: r.badge,
    zones: JSON.parse(r.zones) as string[],
    skills: JSON.parse(r.skills) as string[],
    shiftStart: r.shift_start,
    shiftEnd: r.shift_end,
    active: r.active === 1
  }
}

function hashPin (salt: Buffer, pin: string): Buffer {
  return scryptSync(pin, salt, PIN_KEY_BYTES)
}

const tokenHash = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest()

export class Associates {
  constructor (private readonly db: Database, private readonly nowMs: () => number) {}

  private row (id: string): AssociateRow | undefined {
    return this.db.prepare('SELECT * FROM associates WHERE id = ?').get(id) as AssociateRow | undefined
  }

  get (id: string): Associate | undefined {
    const r = this.row(id)
    return r ? toAssociate(r) : undefined
  }

  list (): Associate[] {
    return (this.db.prepare('SELECT * FROM associates ORDER BY name, id').all() as AssociateRow[]).map(toAssociate)
  }

  /** Creates or updates an associate; `created` tells which. */
  upsert (a: AssociateInput): { associate: Associate, created: boolean } {
    const now = new Date(this.nowMs()).toISOString()
    const other = this.db.prepare('SELECT id FROM associates WHERE badge = ? AND id <> ?').get(a.badge, a.id) as { id: string } | undefined
    if (other) throw new EdgeError(Errors.CONFLICT, `badge "${a.badge}" belongs to associate "${other.id}"`)
    const existing = this.row(a.id)
    if (!existing && a.pin === undefined) throw new EdgeError(Errors.VALIDATION, `associate "${a.id}" is new: a pin is required`)
    const salt = a.pin !== undefined ? randomBytes(16) : existing!.pin_salt
    const hash = a.pin !== undefined ? hashPin(salt, a.pin) : existing!.pin_hash
    const values = {
      id: a.id,
      name: a.name,
      badge: a.badge,
      salt,
      hash,
      zones: JSON.stringify(a.zones ?? (existing ? JSON.parse(existing.zones) : [])),
      skills: JSON.stringify(a.skills ?? (existing ? JSON.parse(existing.skills) : [])),
      shiftStart: a.shiftStart !== undefined ? a.shiftStart : existing?.shift_start ?? null,
      shiftEnd: a.shiftEnd !== undefined ? a.shiftEnd : existing?.shift_end ?? null,
      active: a.active !== undefined ? (a.active ? 1 : 0) : existing?.active ?? 1,
      now
    }
    this.db.prepare(`INSERT INTO associates (id, name, badge, pin_salt, pin_hash, zones, skills, shift_start, shift_end, active, created_at, updated_at)
      VALUES (@id, @name, @badge, @salt, @hash, @zones, @skills, @shiftStart, @shiftEnd, @active, @now, @now)
      ON CONFLICT (id) DO UPDATE SET name = excluded.name, badge = excluded.badge, pin_salt = excluded.pin_salt, pin_hash = excluded.pin_hash,
        zones = excluded.zones, skills = excluded.skills, shift_start = excluded.shift_start, shift_end = excluded.shift_end,
        active = excluded.active, updated_at = excluded.updated_at`).run(values)
    if (values.active === 0) this.db.prepare('DELETE FROM associate_tokens WHERE associate_id = ?').run(a.id)
    return { associate: this.get(a.id)!, created: !existing }
  }

  /** Badge and PIN to a token for this device, valid `ttlMin` minutes of the server clock. */
  signIn (badge: string, pin: string, deviceId: string, ttlMin: number): { token: string, associate: Associate, expiresAt: string } {
    const r = this.db.prepare('SELECT * FROM associates WHERE badge = ?').get(badge) as AssociateRow | undefined
    // The same answer for an unknown badge and a wrong PIN: a badge number is not a secret, but
    // which ones exist need not be told.
    const got = hashPin(r?.pin_salt ?? Buffer.alloc(16), pin)
    if (!r || r.active !== 1 || !timingSafeEqual(got, r.pin_hash)) throw new EdgeError(Errors.ASSOCIATE_AUTH)
    const token = randomBytes(24).toString('base64url')
    const now = this.nowMs()
    const expiresAt = new Date(now + ttlMin * 60_000).toISOString()
    this.db.prepare('DELETE FROM associate_tokens WHERE expires_at < ?').run(new Date(now).toISOString())
    this.db.prepare('INSERT INTO associate_tokens (token_hash, associate_id, device_id, issued_at, expires_at) VALUES (?, ?, ?, ?, ?)')
      .run(tokenHash(token), r.id, deviceId, new Date(now).toISOString(), expiresAt)
    return { token, associate: toAssociate(r), expiresAt }
  }

  /**
   * Who is signed in where now: each device holding an unexpired token, with its active associate
   * (the MQTT push sends a task update to these handhelds).
   */
  signedIn (): Array<{ associate: Associate, deviceId: string }> {
    const rows = this.db.prepare(`SELECT DISTINCT t.device_id, a.* FROM associate_tokens t JOIN associates a ON a.id = t.associate_id
      WHERE t.expires_at > ? AND a.active = 1 ORDER BY t.device_id, a.id`).all(new Date(this.nowMs()).toISOString()) as Array<AssociateRow & { device_id: string }>
    return rows.map((r) => ({ associate: toAssociate(r), deviceId: r.device_id }))
  }

  /** The associate a token names, checked against the device presenting it and the clock. */
  fromToken (token: string, deviceId: string): Associate {
    const t = this.db.prepare('SELECT associate_id, device_id, expires_at FROM associate_tokens WHERE token_hash = ?').get(tokenHash(token)) as
      { associate_id: string, device_id: string, expires_at: string } | undefined
    if (!t || t.device_id !== deviceId) throw new EdgeError(Errors.TOKEN_INVALID)
    if (Date.parse(t.expires_at) <= this.nowMs()) throw new EdgeError(Errors.TOKEN_EXPIRED, `associate token expired at ${t.expires_at}; sign in again`)
    const a = this.get(t.associate_id)
    if (!a || !a.active) throw new EdgeError(Errors.TOKEN_INVALID, 'the associate of this token is inactive')
    return a
  }
}
