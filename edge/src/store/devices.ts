// The device registry: who may connect, with which profile, and whether it is online.
// Secrets are 192 random bits shown once; we keep HMAC-SHA256(salt, secret). A slow KDF (scrypt)
// protects guessable passwords, not random keys, and would cost ~50 ms of CPU per connect when
// 2,000 devices reconnect after a power cut.

import type { Database } from 'better-sqlite3'
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { EdgeError, Errors } from '../core/errors.js'

export type DeviceStatus = 'never_seen' | 'online' | 'offline' | 'revoked'

export interface Device {
  id: string
  profileId: string
  name: string | null
  createdAt: string
  revokedAt: string | null
  lastSeenAt: string | null
  status: DeviceStatus
}

interface DeviceRow {
  id: string
  profile_id: string
  name: string | null
  secret_salt: Buffer
  secret_hash: Buffer
  created_at: string
  revoked_at: string | null
  last_seen_at: string | null
  status: 'never_seen' | 'online' | 'offline'
  battery_pct: number | null
  battery_at: string | null
}

/** The battery level a device last reported, percent, and when (ISO, server clock). */
export interface BatteryReport { id: string, pct: number, at: string }

export const DEVICE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/

function toDevice (r: DeviceRow): Device {
  return {
    id: r.id,
    profileId: r.profile_id,
    name: r.name,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
    lastSeenAt: r.last_seen_at,
    status: r.revoked_at ? 'revoked' : r.status
  }
}

function hashSecret (salt: Buffer, secret: string): Buffer {
  return createHmac('sha256', salt).update(secret, 'utf8').digest()
}

export type VerifyResult = { ok: true, device: Device } | { ok: false, reason: 'unknown' | 'revoked' | 'bad_secret' }

export class DeviceRegistry {
  private readonly byId
  private readonly insert
  private readonly all
  private readonly revokeStmt
  private readonly statusStmt
  private readonly batteriesStmt

  constructor (db: Database, private readonly now: () => string) {
    this.byId = db.prepare('SELECT * FROM devices WHERE id = ?')
    this.insert = db.prepare(`INSERT INTO devices (id, profile_id, name, secret_salt, secret_hash, created_at)
      VALUES (@id, @profileId, @name, @salt, @hash, @createdAt)`)
    this.all = db.prepare('SELECT * FROM devices ORDER BY id')
    this.revokeStmt = db.prepare('UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL')
    this.statusStmt = db.prepare('UPDATE devices SET status = ? WHERE id = ?')
    this.batteriesStmt = db.prepare('SELECT id, battery_pct AS pct, battery_at AS at FROM devices WHERE battery_pct IS NOT NULL AND battery_at IS NOT NULL AND revoked_at IS NULL')
  }

  /** Registers a device and returns its secret: the only time the secret exists in clear. */
  add (id: string, profileId: string, name: string | null = null): { device: Device, secret: string } {
    if (!DEVICE_ID_PATTERN.test(id)) {
      throw new EdgeError(Errors.VALIDATION, `device id "${id}" is invalid: 1-64 letters, digits, _ . or -, starting with a letter or digit`)
    }
    if (this.byId.get(id)) throw new EdgeError(Errors.DEVICE_EXISTS, `device "${id}" is already registered`)
    const secret = randomBytes(24).toString('base64url')
    const salt = randomBytes(16)
    this.insert.run({ id, profileId, name, salt, hash: hashSecret(salt, secret), createdAt: this.now() })
    return { device: this.get(id)!, secret }
  }

  get (id: string): Device | undefined {
    const r = this.byId.get(id) as DeviceRow | undefined
    return r ? toDevice(r) : undefined
  }

  list (): Device[] {
    return (this.all.all() as DeviceRow[]).map(toDevice)
  }

  verify (id: string, secret: string): VerifyResult {
    const r = this.byId.get(id) as DeviceRow | undefined
    if (!r) return { ok: false, reason: 'unknown' }
    if (r.revoked_at) return { ok: false, reason: 'revoked' }
    const got = hashSecret(r.secret_salt, secret)
    if (got.length !== r.secret_hash.length || !timingSafeEqual(got, r.secret_hash)) return { ok: false, reason: 'bad_secret' }
    return { ok: true, device: toDevice(r) }
  }

  revoke (id: string): Device {
    const d = this.get(id)
    if (!d) throw new EdgeError(Errors.DEVICE_UNKNOWN, `device "${id}" is not registered`)
    this.revokeStmt.run(this.now(), id)
    return this.get(id)!
  }

  /** The last battery level of each device that reported one (written by the presence flush), for presence to start from. */
  batteries (): BatteryReport[] {
    return this.batteriesStmt.all() as BatteryReport[]
  }

  setStatus (id: string, status: 'online' | 'offline'): void {
    this.statusStmt.run(status, id)
  }
}
