// The relay's storage, one interface for SQLite (the default, one process) and PostgreSQL (several
// relay processes sharing one database). Everything is async so both fit; the contract suite in
// cloud-relay/test/storage-contract.ts runs the same behaviour against each.
//
// Times the relay itself keeps (received, forwarded, leases, retries) are epoch milliseconds from
// the injected clock, so tests move time instead of sleeping. occurredAt/createdAt are the store's
// own ISO 8601 strings, kept verbatim.

/** What the ERP is told; mirrors edge/src/store/outbox-rows.ts (the wire contract, not an import). */
export const RELAY_EVENT_TYPES = ['inventory_adjustment', 'receipt', 'receiving_discrepancy', 'order'] as const
export type RelayEventType = typeof RELAY_EVENT_TYPES[number]
export const RELAY_LANES = ['urgent', 'normal', 'telemetry'] as const
export type RelayLane = typeof RELAY_LANES[number]

/** One outbox row as a store sends it. The HTTP layer validates the shape (JSON Schema). */
export interface RelayEventIn {
  /** The store's strictly increasing sequence (its outbox AUTOINCREMENT), > 0. */
  seq: number
  /** Idempotency key: (storeId, eventId) is applied once. */
  eventId: string
  type: RelayEventType
  lane: RelayLane
  sku: string | null
  payload: Record<string, unknown>
  occurredAt: string
  createdAt: string
}

export interface StoredEvent extends RelayEventIn {
  storeId: string
  /** When the relay stored it, epoch ms. */
  receivedAt: number
}

export interface BatchResult {
  /** Events newly stored by this batch. */
  inserted: number
  /** Events whose eventId was already stored (counted, not an error, not stored again). */
  duplicates: number
  /**
   * The highest seq the relay holds durably for this store, counting a duplicate at the seq it was
   * re-sent under (its content is held under the first one), so the store can always delete it.
   * 0 when nothing was ever stored.
   */
  highestSeq: number
}

export type AuthResult = 'ok' | 'unknown' | 'wrong' | 'revoked'

/** A store held by one worker until complete/fail or until the lease expires. */
export interface Claim {
  storeId: string
  workerId: string
  /** Random per claim: complete/fail with a stale claim (lease expired, store re-claimed) is refused. */
  claimToken: string
  /** Epoch ms; after it another worker may take the store. */
  leaseUntil: number
  /** The store's lowest-seq unforwarded events, in seq order (never empty). */
  events: StoredEvent[]
}

export interface DeadLetter { storeId: string, seq: number, eventId: string, type: string, deadAt: number, reason: string | null }

export interface StoreStats {
  storeId: string
  name: string | null
  registeredAt: number
  revokedAt: number | null
  storedCount: number
  forwardedCount: number
  pendingCount: number
  /** Events the ERP refused as they are, parked until replayed. */
  deadCount: number
  highestSeq: number
  /** The next event to be forwarded (lowest unforwarded seq), or null when all are forwarded. */
  nextUnforwarded: { seq: number, eventId: string, occurredAt: string, receivedAt: number } | null
  /** Earliest receivedAt among unforwarded events (the age of the backlog), or null. */
  oldestUnforwardedReceivedAt: number | null
  lastError: string | null
  /** Epoch ms before which the store is not claimed again after a failure, or null. */
  retryAt: number | null
  failedAttempts: number
  /** Worker holding an unexpired lease, or null. */
  leaseOwner: string | null
  /** When the store's last heartbeat arrived (relay clock, epoch ms), and what it said; null before the first. */
  lastHeartbeatAt: number | null
  lastHeartbeat: Record<string, unknown> | null
}

export interface RelayStorage {
  // --- stores and their tokens -------------------------------------------------------------
  /** Registers a store; the token is returned once, only a salted hash is kept. RELAY_ERR_STORE_EXISTS if known. */
  registerStore (storeId: string, name?: string): Promise<{ token: string }>
  /**
   * New token; the previous one stays valid for `tokenGraceMs` (default 24 h) so a store that has not
   * picked up the new one yet is not locked out. Rotating again drops the older token at once.
   */
  rotateToken (storeId: string): Promise<{ token: string }>
  /** Refuses the store's tokens from now on; its stored events are still forwarded. */
  revokeStore (storeId: string): Promise<void>
  /** 'wrong' for a bad token even on a revoked store; 'revoked' only to the holder of a valid token. */
  authenticate (storeId: string, token: string): Promise<AuthResult>

  // --- intake --------------------------------------------------------------------------------
  /**
   * Stores a batch in one transaction, all or nothing. Seqs must be positive integers strictly
   * increasing within the batch (RELAY_ERR_SEQ_ORDER); a seq already stored under another eventId
   * is RELAY_ERR_SEQ_CONFLICT. Batches may arrive with seqs lower than ones already stored (lanes:
   * urgent rows overtake older normal ones). Unknown or revoked store: RELAY_ERR_STORE_UNKNOWN/REVOKED.
   */
  storeBatch (storeId: string, events: readonly RelayEventIn[]): Promise<BatchResult>

  // --- forwarding ----------------------------------------------------------------------------
  /**
   * Takes one store no other worker holds (lease free or expired, not waiting for a retry, with
   * unforwarded events) and returns up to `limit` of its lowest-seq unforwarded events in seq
   * order; null when there is nothing to take. The store is leased for `leaseMs` (default 60 s).
   */
  claimNext (workerId: string, limit: number): Promise<Claim | null>
  /**
   * Frees every store leased to `workerId`; returns how many. For a worker that holds no claim but
   * may have one it never saw: a claimNext whose commit went through while its answer was lost with
   * the connection would otherwise keep that store for the whole lease.
   */
  releaseLeases (workerId: string): Promise<number>
  /**
   * Marks `forwardedEventIds` forwarded (a prefix of claim.events in seq order, RELAY_ERR_CLAIM_ORDER
   * otherwise) and releases the store. RELAY_ERR_CLAIM_LOST if another worker has since claimed it.
   */
  complete (claim: Claim, forwardedEventIds: readonly string[]): Promise<{ forwarded: number }>
  /**
   * Releases the store, records the error and keeps it unclaimed until `retryAt` (epoch ms).
   * `forwardedEventIds`, a prefix of the claim, are marked forwarded first (partial success).
   */
  fail (claim: Claim, error: string, retryAt: number, forwardedEventIds?: readonly string[]): Promise<void>

  // --- dead letters -----------------------------------------------------------------------------
  /**
   * Parks an event the ERP refused as it is (a mapping to fix): the claim's prefix is marked
   * forwarded, this event (the one right after it) is set aside with the reason and skipped, and
   * the store is released so the events after it go on. Replayed later, it goes first.
   */
  deadLetter (claim: Claim, eventId: string, reason: string, forwardedEventIds?: readonly string[]): Promise<void>
  /** Parked events, of one store or all, by store and seq. */
  deadLetters (storeId: string | null, limit: number): Promise<DeadLetter[]>
  /** Puts parked events (all of the store's when `eventIds` is null) back in line; returns how many. */
  replay (storeId: string, eventIds: readonly string[] | null): Promise<number>

  // --- observation ---------------------------------------------------------------------------
  /** Event ids the relay holds for a store whose createdAt (the store's write time) falls on a UTC day. */
  eventIdsOfDay (storeId: string, day: string): Promise<string[]>
  /** Keeps the store's latest heartbeat (what it reports of itself), stamped with the relay's clock. */
  recordHeartbeat (storeId: string, body: Record<string, unknown>): Promise<void>
  /** null for an unknown store. */
  stats (storeId: string): Promise<StoreStats | null>
  /** Every registered store's stats, sorted by store id, in one query (the fleet view). */
  allStats (): Promise<StoreStats[]>
  /** All registered store ids, sorted (for the fleet view). */
  storeIds (): Promise<string[]>
  /** Resolves when the database answers a trivial query (for /v1/health); rejects with why not. */
  ping (): Promise<void>

  close (): Promise<void>
}

export interface RelayStorageOptions {
  /** Epoch ms; injected so tests move time. Default Date.now. */
  now?: () => number
  /** Lease on a claimed store, ms. Default 60 000 (1 min): a dead worker's store frees after it. */
  leaseMs?: number
  /** How long a rotated-out token still works, ms. Default 86 400 000 (24 h). */
  tokenGraceMs?: number
}

export const DEFAULT_LEASE_MS = 60_000
export const DEFAULT_TOKEN_GRACE_MS = 24 * 60 * 60 * 1000
