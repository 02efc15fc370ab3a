// RelayStorage on PostgreSQL, for several relay processes sharing one database. A claim is a lease
// on the store's row (lease_token, lease_until), taken inside a transaction that picks the row with
// SELECT ... FOR UPDATE SKIP LOCKED: two workers picking at the same moment never wait on or take
// the same store, and a worker that dies frees its store when the lease expires. Every write that
// touches a store locks its relay_stores row first (same lock order everywhere: no deadlocks), so
// batches of one store arriving at two relays at once apply one after the other.

import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { checkBatchOrder, forwardedPrefix, hashToken, newToken, nextDay, statsFromRow, statsSql, tokenMatches } from './common.js'
import { RelayErrors, RelayStorageError } from './errors.js'
import { POSTGRES_MIGRATIONS } from './postgres-schema.js'
import { DEFAULT_LEASE_MS, DEFAULT_TOKEN_GRACE_MS, type AuthResult, type BatchResult, type Claim, type DeadLetter, type RelayEventIn, type RelayStorage, type RelayStorageOptions, type StoreStats, type StoredEvent } from './types.js'

export interface PostgresRelayStorageOptions extends RelayStorageOptions {
  /** postgresql://user@host:port/db (RELAY_DATABASE_URL). */
  connectionString: string
  /** Schema for the relay's tables (created if missing); default public. Tests use one per run. */
  schema?: string
  /** Pool size; default 10. */
  maxConnections?: number
  /** Milliseconds to wait for a connection (a new one, or a free one of the pool) before failing; default 5000. */
  connectTimeoutMs?: number
  /**
   * Called when a connection the relay is not using breaks (the server restarted or cut it). The pool
   * drops it and connects again on the next query; without a listener node-postgres would throw the
   * error as an unhandled 'error' event and end the process.
   */
  onConnectionError?: (err: Error) => void
}

/** BIGINT arrives as a string from pg; the values here (ms, counts, seqs) fit a double exactly. */
const num = (v: string | number): number => Number(v)
const numOrNull = (v: string | number | null): number | null => v === null ? null : Number(v)

/** A row as pg returns it: column types follow the schema above (BIGINT as string, see num). */
type Row = Record<string, any>

const EVENT_COLS = 'store_id, seq, event_id, type, lane, sku, payload, occurred_at, created_at, received_at'

function toEvent (r: Row): StoredEvent {
  return { storeId: r.store_id, seq: num(r.seq), eventId: r.event_id, type: r.type, lane: r.lane, sku: r.sku, payload: r.payload, occurredAt: r.occurred_at, createdAt: r.created_at, receivedAt: num(r.received_at) }
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/
// Any constant shared by every relay process: serialises their migrations (pg_advisory_xact_lock key).
const MIGRATION_LOCK = 727_001

export class PostgresRelayStorage implements RelayStorage {
  private constructor (
    private readonly pool: pg.Pool,
    private readonly now: () => number,
    private readonly leaseMs: number,
    private readonly graceMs: number
  ) {}

  /** Connects, creates the schema if asked, applies pending migrations. */
  static async open (opts: PostgresRelayStorageOptions): Promise<PostgresRelayStorage> {
    const schema = opts.schema ?? 'public'
    if (!SCHEMA_NAME.test(schema)) throw new RelayStorageError(RelayErrors.MIGRATION_FAILED, `schema name ${schema} is not a plain lower-case identifier`)
    const pool = new pg.Pool({ connectionString: opts.connectionString, max: opts.maxConnections ?? 10, options: `-c search_path=${schema}`, connectionTimeoutMillis: opts.connectTimeoutMs ?? 5000 })
    pool.on('error', (err) => { opts.onConnectionError?.(err) })
    const s = new PostgresRelayStorage(pool, opts.now ?? Date.now, opts.leaseMs ?? DEFAULT_LEASE_MS, opts.tokenGraceMs ?? DEFAULT_TOKEN_GRACE_MS)
    try {
      await s.migrate(schema)
    } catch (err) {
      await pool.end()
      throw err
    }
    return s
  }

  private async migrate (schema: string): Promise<void> {
    await this.tx(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK])
      await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`)
      await c.query(`SET LOCAL search_path TO ${schema}`)
      await c.query('CREATE TABLE IF NOT EXISTS relay_schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)')
      const current = (await c.query('SELECT COALESCE(MAX(version), 0) AS v FROM relay_schema_migrations')).rows[0].v as number
      const latest = POSTGRES_MIGRATIONS[POSTGRES_MIGRATIONS.length - 1].version
      if (current > latest) throw new RelayStorageError(RelayErrors.MIGRATION_FAILED, `relay database schema version ${current} is newer than this relay knows (${latest})`)
      for (const m of POSTGRES_MIGRATIONS) {
        if (m.version <= current) continue
        try {
          await c.query(m.sql)
        } catch (err) {
          throw new RelayStorageError(RelayErrors.MIGRATION_FAILED, `migration ${m.version} (${m.name}) failed: ${(err as Error).message}`)
        }
        await c.query('INSERT INTO relay_schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, this.now()])
      }
    })
  }

  private async tx<T> (fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect()
    // A connection that breaks between two queries of this transaction emits 'error' on the client
    // (the pool listens only while it is idle): without this the process would die of it. The next
    // query fails with the same cause, and the transaction with it.
    let broken: Error | undefined
    const onError = (err: Error): void => { broken = err }
    c.on('error', onError)
    try {
      await c.query('BEGIN')
      const out = await fn(c)
      await c.query('COMMIT')
      return out
    } catch (err) {
      await c.query('ROLLBACK').catch(() => {})
      throw err
    } finally {
      c.removeListener('error', onError)
      c.release(broken) // a broken connection is dropped, not given to the next caller
    }
  }

  async ping (): Promise<void> {
    await this.pool.query('SELECT 1')
  }

  /** The store's row, locked for this transaction; throws RELAY_ERR_STORE_UNKNOWN. */
  private async lockStore (c: pg.PoolClient, storeId: string): Promise<Row> {
    const r = await c.query('SELECT * FROM relay_stores WHERE store_id = $1 FOR UPDATE', [storeId])
    if (r.rowCount === 0) throw new RelayStorageError(RelayErrors.STORE_UNKNOWN, `unknown store ${storeId}`)
    return r.rows[0] as Row
  }

  async registerStore (storeId: string, name?: string): Promise<{ token: string }> {
    const token = newToken()
    const r = await this.pool.query('INSERT INTO relay_stores (store_id, name, registered_at, token_hash) VALUES ($1, $2, $3, $4) ON CONFLICT (store_id) DO NOTHING',
      [storeId, name ?? null, this.now(), hashToken(token)])
    if (r.rowCount === 0) throw new RelayStorageError(RelayErrors.STORE_EXISTS, `store ${storeId} is already registered`)
    return { token }
  }

  async rotateToken (storeId: string): Promise<{ token: string }> {
    const token = newToken()
    await this.tx(async (c) => {
      const s = await this.lockStore(c, storeId)
      if (s.revoked_at !== null) throw new RelayStorageError(RelayErrors.STORE_REVOKED, `store ${storeId} is revoked`)
      await c.query('UPDATE relay_stores SET prev_token_hash = token_hash, prev_valid_until = $1, token_hash = $2 WHERE store_id = $3',
        [this.now() + this.graceMs, hashToken(token), storeId])
    })
    return { token }
  }

  async revokeStore (storeId: string): Promise<void> {
    const r = await this.pool.query('UPDATE relay_stores SET revoked_at = COALESCE(revoked_at, $1) WHERE store_id = $2', [this.now(), storeId])
    if (r.rowCount === 0) throw new RelayStorageError(RelayErrors.STORE_UNKNOWN, `unknown store ${storeId}`)
  }

  async authenticate (storeId: string, token: string): Promise<AuthResult> {
    const r = await this.pool.query('SELECT token_hash, prev_token_hash, prev_valid_until, revoked_at FROM relay_stores WHERE store_id = $1', [storeId])
    if (r.rowCount === 0) return 'unknown'
    const s = r.rows[0] as Row
    const current = tokenMatches(token, s.token_hash)
    const until = numOrNull(s.prev_valid_until)
    const previous = !current && until !== null && this.now() < until && tokenMatches(token, s.prev_token_hash)
    if (!current && !previous) return 'wrong'
    return s.revoked_at !== null ? 'revoked' : 'ok'
  }

  async storeBatch (storeId: string, events: readonly RelayEventIn[]): Promise<BatchResult> {
    checkBatchOrder(events)
    return await this.tx(async (c): Promise<BatchResult> => {
      const s = await this.lockStore(c, storeId)
      if (s.revoked_at !== null) throw new RelayStorageError(RelayErrors.STORE_REVOKED, `store ${storeId} is revoked`)
      const seqs = events.map((e) => e.seq)
      const taken = new Map<number, string>()
      for (const r of (await c.query('SELECT seq, event_id FROM relay_events WHERE store_id = $1 AND seq = ANY($2::bigint[])', [storeId, seqs])).rows) {
        taken.set(num(r.seq), r.event_id)
      }
      const known = new Set<string>()
      for (const r of (await c.query('SELECT event_id FROM relay_events WHERE store_id = $1 AND event_id = ANY($2::text[])', [storeId, events.map((e) => e.eventId)])).rows) {
        known.add(r.event_id)
      }
      const fresh: RelayEventIn[] = []
      for (const e of events) {
        const at = taken.get(e.seq)
        if (at !== undefined && at !== e.eventId) {
          throw new RelayStorageError(RelayErrors.SEQ_CONFLICT, `store ${storeId} seq ${e.seq} is already event ${at}, not ${e.eventId}`)
        }
        if (at !== undefined || known.has(e.eventId)) continue
        known.add(e.eventId) // the same id twice in one batch is stored once
        fresh.push(e)
      }
      if (fresh.length > 0) {
        await c.query(`INSERT INTO relay_events (${EVENT_COLS})
          SELECT $1, u.seq, u.event_id, u.type, u.lane, u.sku, u.payload::jsonb, u.occurred_at, u.created_at, $2
          FROM unnest($3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
            AS u (seq, event_id, type, lane, sku, payload, occurred_at, created_at)`,
        [storeId, this.now(), fresh.map((e) => e.seq), fresh.map((e) => e.eventId), fresh.map((e) => e.type), fresh.map((e) => e.lane),
          fresh.map((e) => e.sku), fresh.map((e) => JSON.stringify(e.payload)), fresh.map((e) => e.occurredAt), fresh.map((e) => e.createdAt)])
      }
      const top = events.length === 0 ? 0 : events[events.length - 1].seq
      const highestSeq = Math.max(num(s.highest_seq), top)
      await c.query('UPDATE relay_stores SET stored_count = stored_count + $1, highest_seq = $2 WHERE store_id = $3', [fresh.length, highestSeq, storeId])
      return { inserted: fresh.length, duplicates: events.length - fresh.length, highestSeq }
    })
  }

  async claimNext (workerId: string, limit: number): Promise<Claim | null> {
    return await this.tx(async (c): Promise<Claim | null> => {
      const now = this.now()
      // SKIP LOCKED: a store another transaction is claiming (or writing a batch to) is passed over,
      // not waited on; READ COMMITTED re-checks the lease on the latest row version before locking.
      // Least recently claimed first, so one busy store cannot starve the rest of the fleet.
      const pick = await c.query(`SELECT store_id FROM relay_stores
        WHERE stored_count > forwarded_count + dead_count AND (lease_until IS NULL OR lease_until <= $1) AND (retry_at IS NULL OR retry_at <= $1)
        ORDER BY last_claimed_at NULLS FIRST, store_id LIMIT 1 FOR UPDATE SKIP LOCKED`, [now])
      if (pick.rowCount === 0) return null
      const storeId = pick.rows[0].store_id as string
      const claimToken = randomBytes(16).toString('hex')
      const leaseUntil = now + this.leaseMs
      await c.query('UPDATE relay_stores SET lease_owner = $1, lease_token = $2, lease_until = $3, last_claimed_at = $4 WHERE store_id = $5',
        [workerId, claimToken, leaseUntil, now, storeId])
      const rows = await c.query(`SELECT ${EVENT_COLS} FROM relay_events WHERE store_id = $1 AND forwarded_at IS NULL AND dead_at IS NULL ORDER BY seq LIMIT $2`,
        [storeId, Math.max(1, limit)])
      return { storeId, workerId, claimToken, leaseUntil, events: rows.rows.map(toEvent) }
    })
  }

  async releaseLeases (workerId: string): Promise<number> {
    const r = await this.pool.query('UPDATE relay_stores SET lease_owner = NULL, lease_token = NULL, lease_until = NULL WHERE lease_owner = $1', [workerId])
    return r.rowCount ?? 0
  }

  /** Checks the claim is still held and marks its prefix forwarded; returns how many were newly marked. */
  private async settle (c: pg.PoolClient, claim: Claim, ids: readonly string[]): Promise<number> {
    const seqs = forwardedPrefix(claim, ids)
    const s = await this.lockStore(c, claim.storeId)
    if (s.lease_token !== claim.claimToken) {
      throw new RelayStorageError(RelayErrors.CLAIM_LOST, `store ${claim.storeId} is no longer held by ${claim.workerId}'s claim`)
    }
    if (seqs.length === 0) return 0
    const r = await c.query('UPDATE relay_events SET forwarded_at = $1 WHERE store_id = $2 AND seq = ANY($3::bigint[]) AND forwarded_at IS NULL',
      [this.now(), claim.storeId, seqs])
    return r.rowCount ?? 0
  }

  async complete (claim: Claim, forwardedEventIds: readonly string[]): Promise<{ forwarded: number }> {
    return await this.tx(async (c) => {
      const n = await this.settle(c, claim, forwardedEventIds)
      await c.query(`UPDATE relay_stores SET forwarded_count = forwarded_count + $1, lease_owner = NULL, lease_token = NULL,
        lease_until = NULL, retry_at = NULL, last_error = NULL, failed_attempts = 0 WHERE store_id = $2`, [n, claim.storeId])
      return { forwarded: n }
    })
  }

  async fail (claim: Claim, error: string, retryAt: number, forwardedEventIds: readonly string[] = []): Promise<void> {
    await this.tx(async (c) => {
      const n = await this.settle(c, claim, forwardedEventIds)
      await c.query(`UPDATE relay_stores SET forwarded_count = forwarded_count + $1, lease_owner = NULL, lease_token = NULL,
        lease_until = NULL, retry_at = $2, last_error = $3, failed_attempts = failed_attempts + 1 WHERE store_id = $4`, [n, retryAt, error, claim.storeId])
    })
  }

  async stats (storeId: string): Promise<StoreStats | null> {
    const r = await this.pool.query(statsSql('WHERE s.store_id = $1'), [storeId])
    return r.rowCount === 0 ? null : statsFromRow(r.rows[0] as Row, this.now())
  }

  async allStats (): Promise<StoreStats[]> {
    return (await this.pool.query(statsSql(''))).rows.map((r: Row) => statsFromRow(r, this.now()))
  }

  async deadLetter (claim: Claim, eventId: string, reason: string, forwardedEventIds: readonly string[] = []): Promise<void> {
    const at = forwardedEventIds.length
    if (claim.events[at]?.eventId !== eventId) throw new RelayStorageError(RelayErrors.CLAIM_ORDER, `the event parked must be the one after those forwarded (${claim.events[at]?.eventId ?? 'none'}), not ${eventId}`)
    await this.tx(async (c) => {
      const n = await this.settle(c, claim, forwardedEventIds)
      await c.query('UPDATE relay_events SET dead_at = $1, dead_reason = $2 WHERE store_id = $3 AND event_id = $4 AND forwarded_at IS NULL AND dead_at IS NULL', [this.now(), reason, claim.storeId, eventId])
      await c.query(`UPDATE relay_stores SET forwarded_count = forwarded_count + $1, dead_count = dead_count + 1, lease_owner = NULL, lease_token = NULL,
        lease_until = NULL, retry_at = NULL, last_error = NULL, failed_attempts = 0 WHERE store_id = $2`, [n, claim.storeId])
    })
  }

  async deadLetters (storeId: string | null, limit: number): Promise<DeadLetter[]> {
    const r = await this.pool.query(`SELECT store_id, seq, event_id, type, dead_at, dead_reason FROM relay_events WHERE dead_at IS NOT NULL AND ($1::text IS NULL OR store_id = $1) ORDER BY store_id, seq LIMIT $2`, [storeId, limit])
    return r.rows.map((x: Row) => ({ storeId: x.store_id as string, seq: num(x.seq), eventId: x.event_id as string, type: x.type as string, deadAt: num(x.dead_at), reason: (x.dead_reason ?? null) as string | null }))
  }

  async replay (storeId: string, eventIds: readonly string[] | null): Promise<number> {
    return await this.tx(async (c) => {
      await this.lockStore(c, storeId)
      const r = eventIds === null
        ? await c.query('UPDATE relay_events SET dead_at = NULL, dead_reason = NULL WHERE store_id = $1 AND dead_at IS NOT NULL', [storeId])
        : await c.query('UPDATE relay_events SET dead_at = NULL, dead_reason = NULL WHERE store_id = $1 AND event_id = ANY($2::text[]) AND dead_at IS NOT NULL', [storeId, [...eventIds]])
      const n = r.rowCount ?? 0
      await c.query('UPDATE relay_stores SET dead_count = dead_count - $1 WHERE store_id = $2', [n, storeId])
      return n
    })
  }

  async eventIdsOfDay (storeId: string, day: string): Promise<string[]> {
    const r = await this.pool.query('SELECT event_id FROM relay_events WHERE store_id = $1 AND created_at >= $2 AND created_at < $3', [storeId, day, nextDay(day)])
    return r.rows.map((x: Row) => x.event_id as string)
  }

  async recordHeartbeat (storeId: string, body: Record<string, unknown>): Promise<void> {
    const r = await this.pool.query('UPDATE relay_stores SET last_heartbeat_at = $1, last_heartbeat = $2 WHERE store_id = $3', [this.now(), JSON.stringify(body), storeId])
    if (r.rowCount === 0) throw new RelayStorageError(RelayErrors.STORE_UNKNOWN, `no store ${storeId}`)
  }

  async storeIds (): Promise<string[]> {
    return (await this.pool.query('SELECT store_id FROM relay_stores ORDER BY store_id')).rows.map((r: Row) => r.store_id as string)
  }

  async close (): Promise<void> {
    await this.pool.end()
  }
}
