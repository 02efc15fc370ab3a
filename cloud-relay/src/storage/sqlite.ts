// RelayStorage on one SQLite file (better-sqlite3, WAL): the default for a single relay process.
// Every write is a BEGIN IMMEDIATE transaction, so a second process on the same file waits for the
// write lock (busy_timeout) instead of failing half-way; a claim is a lease row on the store
// (lease_token, lease_until), the same scheme as the PostgreSQL storage.

import { randomBytes } from 'node:crypto'
import Database from 'better-sqlite3'
import { checkBatchOrder, forwardedPrefix, hashToken, newToken, nextDay, statsFromRow, statsSql, tokenMatches } from './common.js'
import { RelayErrors, RelayStorageError } from './errors.js'
import { SQLITE_MIGRATIONS } from './sqlite-schema.js'
import { DEFAULT_LEASE_MS, DEFAULT_TOKEN_GRACE_MS, type AuthResult, type BatchResult, type Claim, type DeadLetter, type RelayEventIn, type RelayStorage, type RelayStorageOptions, type StoreStats, type StoredEvent } from './types.js'

export interface SqliteRelayStorageOptions extends RelayStorageOptions {
  /** Path of the database file (created with its schema when missing). */
  file: string
}

interface StoreRow {
  store_id: string, name: string | null, registered_at: number, token_hash: string, prev_token_hash: string | null,
  prev_valid_until: number | null, revoked_at: number | null, stored_count: number, forwarded_count: number,
  highest_seq: number, lease_owner: string | null, lease_token: string | null, lease_until: number | null,
  retry_at: number | null, last_error: string | null, failed_attempts: number,
  last_heartbeat_at: number | null, last_heartbeat: string | null, dead_count: number
}
interface EventRow {
  store_id: string, seq: number, event_id: string, type: StoredEvent['type'], lane: StoredEvent['lane'], sku: string | null,
  payload: string, occurred_at: string, created_at: string, received_at: number
}

const EVENT_COLS = 'store_id, seq, event_id, type, lane, sku, payload, occurred_at, created_at, received_at'

function toEvent (r: EventRow): StoredEvent {
  return { storeId: r.store_id, seq: r.seq, eventId: r.event_id, type: r.type, lane: r.lane, sku: r.sku, payload: JSON.parse(r.payload) as Record<string, unknown>, occurredAt: r.occurred_at, createdAt: r.created_at, receivedAt: r.received_at }
}

export function migrateSqlite (db: Database.Database, now: number): number {
  db.exec('CREATE TABLE IF NOT EXISTS relay_schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)')
  const current = (db.prepare('SELECT MAX(version) AS v FROM relay_schema_migrations').get() as { v: number | null }).v ?? 0
  const latest = SQLITE_MIGRATIONS[SQLITE_MIGRATIONS.length - 1].version
  if (current > latest) {
    throw new RelayStorageError(RelayErrors.MIGRATION_FAILED, `relay database schema version ${current} is newer than this relay knows (${latest})`)
  }
  for (const m of SQLITE_MIGRATIONS) {
    if (m.version <= current) continue
    try {
      db.transaction(() => {
        db.exec(m.sql)
        db.prepare('INSERT INTO relay_schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, now)
      }).immediate()
    } catch (err) {
      throw new RelayStorageError(RelayErrors.MIGRATION_FAILED, `migration ${m.version} (${m.name}) failed: ${(err as Error).message}`)
    }
  }
  return latest
}

export class SqliteRelayStorage implements RelayStorage {
  private readonly db: Database.Database
  private readonly now: () => number
  private readonly leaseMs: number
  private readonly graceMs: number

  constructor (opts: SqliteRelayStorageOptions) {
    this.now = opts.now ?? Date.now
    this.leaseMs = opts.leaseMs ?? DEFAULT_LEASE_MS
    this.graceMs = opts.tokenGraceMs ?? DEFAULT_TOKEN_GRACE_MS
    this.db = new Database(opts.file)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('synchronous = NORMAL') // WAL + NORMAL: durable across a process kill; an OS crash may lose the last commits
    this.db.pragma('busy_timeout = 5000') // ms another relay process may hold the write lock
    this.db.pragma('foreign_keys = ON')
    migrateSqlite(this.db, this.now())
  }

  private store (storeId: string): StoreRow | undefined {
    return this.db.prepare('SELECT * FROM relay_stores WHERE store_id = ?').get(storeId) as StoreRow | undefined
  }

  private requireStore (storeId: string): StoreRow {
    const s = this.store(storeId)
    if (s === undefined) throw new RelayStorageError(RelayErrors.STORE_UNKNOWN, `unknown store ${storeId}`)
    return s
  }

  async registerStore (storeId: string, name?: string): Promise<{ token: string }> {
    const token = newToken()
    this.db.transaction(() => {
      if (this.store(storeId) !== undefined) throw new RelayStorageError(RelayErrors.STORE_EXISTS, `store ${storeId} is already registered`)
      this.db.prepare('INSERT INTO relay_stores (store_id, name, registered_at, token_hash) VALUES (?, ?, ?, ?)')
        .run(storeId, name ?? null, this.now(), hashToken(token))
    }).immediate()
    return { token }
  }

  async rotateToken (storeId: string): Promise<{ token: string }> {
    const token = newToken()
    this.db.transaction(() => {
      const s = this.requireStore(storeId)
      if (s.revoked_at !== null) throw new RelayStorageError(RelayErrors.STORE_REVOKED, `store ${storeId} is revoked`)
      this.db.prepare('UPDATE relay_stores SET prev_token_hash = token_hash, prev_valid_until = ?, token_hash = ? WHERE store_id = ?')
        .run(this.now() + this.graceMs, hashToken(token), storeId)
    }).immediate()
    return { token }
  }

  async revokeStore (storeId: string): Promise<void> {
    this.db.transaction(() => {
      const s = this.requireStore(storeId)
      if (s.revoked_at === null) this.db.prepare('UPDATE relay_stores SET revoked_at = ? WHERE store_id = ?').run(this.now(), storeId)
    }).immediate()
  }

  async authenticate (storeId: string, token: string): Promise<AuthResult> {
    const s = this.store(storeId)
    if (s === undefined) return 'unknown'
    const current = tokenMatches(token, s.token_hash)
    const previous = !current && s.prev_valid_until !== null && this.now() < s.prev_valid_until && tokenMatches(token, s.prev_token_hash)
    if (!current && !previous) return 'wrong'
    return s.revoked_at !== null ? 'revoked' : 'ok'
  }

  async storeBatch (storeId: string, events: readonly RelayEventIn[]): Promise<BatchResult> {
    checkBatchOrder(events)
    const bySeq = this.db.prepare('SELECT event_id FROM relay_events WHERE store_id = ? AND seq = ?')
    const byId = this.db.prepare('SELECT 1 FROM relay_events WHERE store_id = ? AND event_id = ?')
    const insert = this.db.prepare(`INSERT INTO relay_events (${EVENT_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    return this.db.transaction((): BatchResult => {
      const s = this.requireStore(storeId)
      if (s.revoked_at !== null) throw new RelayStorageError(RelayErrors.STORE_REVOKED, `store ${storeId} is revoked`)
      const at = this.now()
      let inserted = 0
      let duplicates = 0
      for (const e of events) {
        const taken = bySeq.get(storeId, e.seq) as { event_id: string } | undefined
        if (taken !== undefined && taken.event_id !== e.eventId) {
          throw new RelayStorageError(RelayErrors.SEQ_CONFLICT, `store ${storeId} seq ${e.seq} is already event ${taken.event_id}, not ${e.eventId}`)
        }
        if (taken !== undefined || byId.get(storeId, e.eventId) !== undefined) { duplicates++; continue }
        insert.run(storeId, e.seq, e.eventId, e.type, e.lane, e.sku, JSON.stringify(e.payload), e.occurredAt, e.createdAt, at)
        inserted++
      }
      const top = events.length === 0 ? 0 : events[events.length - 1].seq
      const highestSeq = Math.max(s.highest_seq, top)
      this.db.prepare('UPDATE relay_stores SET stored_count = stored_count + ?, highest_seq = ? WHERE store_id = ?').run(inserted, highestSeq, storeId)
      return { inserted, duplicates, highestSeq }
    }).immediate()
  }

  async claimNext (workerId: string, limit: number): Promise<Claim | null> {
    return this.db.transaction((): Claim | null => {
      const now = this.now()
      // Least recently claimed first, so one busy store cannot starve the rest of the fleet.
      const pick = this.db.prepare(`SELECT store_id FROM relay_stores
        WHERE stored_count > forwarded_count + dead_count AND (lease_until IS NULL OR lease_until <= ?) AND (retry_at IS NULL OR retry_at <= ?)
        ORDER BY last_claimed_at IS NOT NULL, last_claimed_at, store_id LIMIT 1`).get(now, now) as { store_id: string } | undefined
      if (pick === undefined) return null
      const claimToken = randomBytes(16).toString('hex')
      const leaseUntil = now + this.leaseMs
      this.db.prepare('UPDATE relay_stores SET lease_owner = ?, lease_token = ?, lease_until = ?, last_claimed_at = ? WHERE store_id = ?')
        .run(workerId, claimToken, leaseUntil, now, pick.store_id)
      const rows = this.db.prepare(`SELECT ${EVENT_COLS} FROM relay_events WHERE store_id = ? AND forwarded_at IS NULL AND dead_at IS NULL ORDER BY seq LIMIT ?`)
        .all(pick.store_id, Math.max(1, limit)) as EventRow[]
      return { storeId: pick.store_id, workerId, claimToken, leaseUntil, events: rows.map(toEvent) }
    }).immediate()
  }

  async releaseLeases (workerId: string): Promise<number> {
    return this.db.prepare('UPDATE relay_stores SET lease_owner = NULL, lease_token = NULL, lease_until = NULL WHERE lease_owner = ?').run(workerId).changes
  }

  /** Checks the claim is still held and marks its prefix forwarded; returns how many were newly marked. */
  private settle (claim: Claim, ids: readonly string[]): number {
    const seqs = forwardedPrefix(claim, ids)
    const s = this.requireStore(claim.storeId)
    if (s.lease_token !== claim.claimToken) {
      throw new RelayStorageError(RelayErrors.CLAIM_LOST, `store ${claim.storeId} is no longer held by ${claim.workerId}'s claim`)
    }
    const mark = this.db.prepare('UPDATE relay_events SET forwarded_at = ? WHERE store_id = ? AND seq = ? AND forwarded_at IS NULL')
    const at = this.now()
    let n = 0
    for (const seq of seqs) n += mark.run(at, claim.storeId, seq).changes
    return n
  }

  async complete (claim: Claim, forwardedEventIds: readonly string[]): Promise<{ forwarded: number }> {
    return this.db.transaction(() => {
      const n = this.settle(claim, forwardedEventIds)
      this.db.prepare(`UPDATE relay_stores SET forwarded_count = forwarded_count + ?, lease_owner = NULL, lease_token = NULL,
        lease_until = NULL, retry_at = NULL, last_error = NULL, failed_attempts = 0 WHERE store_id = ?`).run(n, claim.storeId)
      return { forwarded: n }
    }).immediate()
  }

  async fail (claim: Claim, error: string, retryAt: number, forwardedEventIds: readonly string[] = []): Promise<void> {
    this.db.transaction(() => {
      const n = this.settle(claim, forwardedEventIds)
      this.db.prepare(`UPDATE relay_stores SET forwarded_count = forwarded_count + ?, lease_owner = NULL, lease_token = NULL,
        lease_until = NULL, retry_at = ?, last_error = ?, failed_attempts = failed_attempts + 1 WHERE store_id = ?`).run(n, retryAt, error, claim.storeId)
    }).immediate()
  }

  async stats (storeId: string): Promise<StoreStats | null> {
    const r = this.db.prepare(statsSql('WHERE s.store_id = ?')).get(storeId) as Record<string, unknown> | undefined
    return r === undefined ? null : statsFromRow(r, this.now())
  }

  async allStats (): Promise<StoreStats[]> {
    return (this.db.prepare(statsSql('')).all() as Array<Record<string, unknown>>).map((r) => statsFromRow(r, this.now()))
  }

  async deadLetter (claim: Claim, eventId: string, reason: string, forwardedEventIds: readonly string[] = []): Promise<void> {
    const at = forwardedEventIds.length
    if (claim.events[at]?.eventId !== eventId) throw new RelayStorageError(RelayErrors.CLAIM_ORDER, `the event parked must be the one after those forwarded (${claim.events[at]?.eventId ?? 'none'}), not ${eventId}`)
    this.db.transaction(() => {
      const n = this.settle(claim, forwardedEventIds)
      this.db.prepare('UPDATE relay_events SET dead_at = ?, dead_reason = ? WHERE store_id = ? AND event_id = ? AND forwarded_at IS NULL AND dead_at IS NULL').run(this.now(), reason, claim.storeId, eventId)
      this.db.prepare(`UPDATE relay_stores SET forwarded_count = forwarded_count + ?, dead_count = dead_count + 1, lease_owner = NULL, lease_token = NULL,
        lease_until = NULL, retry_at = NULL, last_error = NULL, failed_attempts = 0 WHERE store_id = ?`).run(n, claim.storeId)
    }).immediate()
  }

  async deadLetters (storeId: string | null, limit: number): Promise<DeadLetter[]> {
    const rows = this.db.prepare(`SELECT store_id, seq, event_id, type, dead_at, dead_reason FROM relay_events WHERE dead_at IS NOT NULL AND (? IS NULL OR store_id = ?) ORDER BY store_id, seq LIMIT ?`)
      .all(storeId, storeId, limit) as Array<{ store_id: string, seq: number, event_id: string, type: string, dead_at: number, dead_reason: string | null }>
    return rows.map((r) => ({ storeId: r.store_id, seq: r.seq, eventId: r.event_id, type: r.type, deadAt: r.dead_at, reason: r.dead_reason }))
  }

  async replay (storeId: string, eventIds: readonly string[] | null): Promise<number> {
    return this.db.transaction(() => {
      this.requireStore(storeId)
      const ids = eventIds ?? (this.db.prepare('SELECT event_id FROM relay_events WHERE store_id = ? AND dead_at IS NOT NULL').pluck().all(storeId) as string[])
      const clear = this.db.prepare('UPDATE relay_events SET dead_at = NULL, dead_reason = NULL WHERE store_id = ? AND event_id = ? AND dead_at IS NOT NULL')
      let n = 0
      for (const id of ids) n += clear.run(storeId, id).changes
      this.db.prepare('UPDATE relay_stores SET dead_count = dead_count - ? WHERE store_id = ?').run(n, storeId)
      return n
    }).immediate()
  }

  async eventIdsOfDay (storeId: string, day: string): Promise<string[]> {
    return this.db.prepare('SELECT event_id FROM relay_events WHERE store_id = ? AND created_at >= ? AND created_at < ?').pluck().all(storeId, day, nextDay(day)) as string[]
  }

  async recordHeartbeat (storeId: string, body: Record<string, unknown>): Promise<void> {
    const r = this.db.prepare('UPDATE relay_stores SET last_heartbeat_at = ?, last_heartbeat = ? WHERE store_id = ?').run(this.now(), JSON.stringify(body), storeId)
    if (r.changes === 0) throw new RelayStorageError(RelayErrors.STORE_UNKNOWN, `no store ${storeId}`)
  }

  async storeIds (): Promise<string[]> {
    return (this.db.prepare('SELECT store_id FROM relay_stores ORDER BY store_id').all() as Array<{ store_id: string }>).map((r) => r.store_id)
  }

  async ping (): Promise<void> {
    this.db.prepare('SELECT 1').get()
  }

  async close (): Promise<void> {
    this.db.close()
  }
}
