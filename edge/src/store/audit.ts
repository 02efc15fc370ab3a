// The audit log: every recommendation, decision, override and policy change, with who, when, why,
// the inputs and the versions behind it. Rows are only ever appended (migration 010's triggers refuse
// UPDATE and DELETE, and an INSERT without its hash) and chained by hash, so an edit made outside the
// server shows up in verify(). The table is migration 004's: its column `action` holds the kind and
// `detail` the inputs.
//
// append() runs inside the caller's transaction when there is one (better-sqlite3 nests it as a
// savepoint): a decision, its audit row and its outbox row commit together or not at all.
//
// Kinds are an open vocabulary; the ones in use:
//   proposal.recommended, proposal.auto_approved, proposal.approved, proposal.modified,
//   proposal.rejected, proposal.expired, policy.changed, adjustment.<what>;
//   and from before: model.* (the model registry), task.* (task overrides)

import { createHash } from 'node:crypto'
import { packageVersion } from '../core/version.js'
import type { Database } from './db.js'

/** prev_hash of the first row. */
export const GENESIS_HASH = '0'.repeat(64)

export const AUDIT_KINDS = [
  'proposal.recommended', 'proposal.auto_approved', 'proposal.approved', 'proposal.modified',
  'proposal.rejected', 'proposal.expired', 'policy.changed', 'model.*', 'task.*', 'adjustment.*'
] as const

/** What a caller appends. */
export interface AuditEntry {
  /** What happened, e.g. 'proposal.approved'; see AUDIT_KINDS (open: 'adjustment.*' and new kinds are fine). */
  kind: string
  /** Who: 'system', 'policy:<id>@v<n>', a manager's name, 'file:<path>'. */
  actor: string
  /** What it is about, e.g. 'proposal:42', 'policies' (null: nothing in particular). */
  subject: string | null
  /** Why (a manager's reason, the rule that fired). */
  reason?: string | null
  /** What the decision saw: any JSON-serialisable value (an object by convention). */
  inputs?: unknown
  /** Versions behind it (model, policy, forecast method); the server's version is added as `server`. */
  versions?: Record<string, string | number | null>
  /** When, ISO 8601 UTC; defaults to the server clock. */
  at?: string
}

/** A stored row. */
export interface AuditRecord {
  id: number
  at: string
  kind: string
  actor: string
  subject: string | null
  reason: string | null
  inputs: unknown
  versions: Record<string, string | number | null>
  prevHash: string
  hash: string
}

export interface AuditFilter {
  /** Exact kind, or a prefix ending in '.*' ('proposal.*'). */
  kind?: string
  actor?: string
  subject?: string
  /** at >= from (ISO 8601 UTC). */
  from?: string
  /** at < to (ISO 8601 UTC). */
  to?: string
}

export interface AuditQuery extends AuditFilter {
  limit: number
  /** Id of the last row of the previous page (the route wraps it in an opaque cursor). */
  after?: number
  /** 'desc' (default): newest first. */
  order?: 'asc' | 'desc'
}

export interface AuditPage {
  rows: AuditRecord[]
  /** Id to pass as `after` for the next page; null on the last page. */
  next: number | null
}

export interface AuditVerify {
  ok: boolean
  /** Rows checked. */
  rows: number
  /** Hash of the last row (the head of the chain), or GENESIS_HASH when empty. */
  head: string
  /** The first row that does not match its chain, when !ok. */
  brokenAt?: number
  problem?: string
}

/** A row as stored (004's names: action = kind, detail = inputs); hashes are null only before sealing. */
interface Row {
  id: number
  at: string
  action: string
  actor: string
  subject: string | null
  reason: string | null
  detail: string
  versions: string
  prev_hash: string | null
  hash: string | null
}

type Content = Omit<Row, 'prev_hash' | 'hash'>

/** sha256 hex over the previous hash and the row's stored content (JSON columns as stored text). */
export function rowHash (prevHash: string, r: Content): string {
  const content = JSON.stringify([r.id, r.at, r.action, r.actor, r.subject, r.reason, r.detail, r.versions])
  return createHash('sha256').update(prevHash).update('\n').update(content).digest('hex')
}

function record (r: Row): AuditRecord {
  return {
    id: r.id,
    at: r.at,
    kind: r.action,
    actor: r.actor,
    subject: r.subject,
    reason: r.reason,
    inputs: JSON.parse(r.detail) as unknown,
    versions: JSON.parse(r.versions) as Record<string, string | number | null>,
    prevHash: r.prev_hash ?? '',
    hash: r.hash ?? ''
  }
}

/** Rows verify() reads per statement: the connection is free between pages. */
const VERIFY_PAGE = 5000

export class AuditLog {
  private readonly last
  private readonly insert
  private readonly appendTx
  private readonly serverVersion: string

  /** `serverVersion` goes into every row's versions (default: the installed package's). */
  constructor (private readonly db: Database, private readonly now: () => string, serverVersion: string = packageVersion()) {
    this.serverVersion = serverVersion
    this.last = db.prepare('SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1')
    this.insert = db.prepare(`INSERT INTO audit_log (id, at, action, actor, subject, reason, detail, versions, prev_hash, hash)
      VALUES (@id, @at, @action, @actor, @subject, @reason, @detail, @versions, @prev_hash, @hash)`)
    // Reading the head and inserting after it in one transaction (a savepoint inside the caller's).
    this.appendTx = db.transaction((e: AuditEntry): AuditRecord => {
      type Head = { id: number, hash: string | null } | undefined
      let head = this.last.get() as Head
      // Rows from before the chain (migration 004's writers) are sealed before the first new one.
      if (head !== undefined && head.hash === null) { this.seal(); head = this.last.get() as Head }
      const row: Content = {
        id: (head?.id ?? 0) + 1,
        at: e.at ?? this.now(),
        action: e.kind,
        actor: e.actor,
        subject: e.subject,
        reason: e.reason ?? null,
        detail: JSON.stringify(e.inputs ?? {}),
        versions: JSON.stringify({ ...e.versions, server: this.serverVersion })
      }
      const prevHash = head?.hash ?? GENESIS_HASH
      const full: Row = { ...row, prev_hash: prevHash, hash: rowHash(prevHash, row) }
      this.insert.run(full)
      return record(full)
    })
  }

  /** Appends one row; inside a db.transaction(...) it commits or rolls back with the caller's work. */
  append (entry: AuditEntry): AuditRecord {
    for (const f of ['kind', 'actor'] as const) {
      if (typeof entry[f] !== 'string' || entry[f].length === 0) throw new TypeError(`audit entry needs a non-empty ${f}`)
    }
    return this.appendTx.immediate(entry)
  }

  /**
   * Gives rows written before migration 010 (no hash yet) their place in the chain, in id order.
   * Returns how many were sealed; the server calls it at start, append() when it finds one.
   */
  seal (): number {
    return this.db.transaction((): number => {
      const open = this.db.prepare('SELECT * FROM audit_log WHERE hash IS NULL ORDER BY id').all() as Row[]
      if (open.length === 0) return 0
      const before = this.db.prepare('SELECT hash FROM audit_log WHERE id < ? AND hash IS NOT NULL ORDER BY id DESC LIMIT 1')
      const set = this.db.prepare('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?')
      let prev = (before.get(open[0].id) as { hash: string } | undefined)?.hash ?? GENESIS_HASH
      for (const r of open) {
        const hash = rowHash(prev, r)
        set.run(prev, hash, r.id)
        prev = hash
      }
      return open.length
    }).immediate()
  }

  /** One page of rows matching the filter, newest first unless order is 'asc'. */
  query (q: AuditQuery): AuditPage {
    const desc = q.order !== 'asc'
    const { where, params } = whereOf(q)
    if (q.after !== undefined) {
      where.push(desc ? 'id < @after' : 'id > @after')
      params.after = q.after
    }
    const sql = `SELECT * FROM audit_log ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
      ORDER BY id ${desc ? 'DESC' : 'ASC'} LIMIT @limit`
    const rows = (this.db.prepare(sql).all({ ...params, limit: q.limit + 1 }) as Row[]).map(record)
    const more = rows.length > q.limit
    if (more) rows.pop()
    return { rows, next: more ? rows[rows.length - 1].id : null }
  }

  /**
   * Every matching row, page by page: each page is one short statement, so a long export never holds
   * the connection (better-sqlite3 allows nothing else on it while an iterator is open).
   */
  * all (filter: AuditFilter & { order?: 'asc' | 'desc' }, pageSize = 1000): Generator<AuditRecord[]> {
    let after: number | undefined
    for (;;) {
      const page = this.query({ ...filter, limit: pageSize, after })
      if (page.rows.length) yield page.rows
      if (page.next === null) return
      after = page.next
    }
  }

  /** Walks the whole chain: each row's prev_hash is the hash before it, and its hash matches its content. */
  verify (): AuditVerify {
    const page = this.db.prepare('SELECT * FROM audit_log WHERE id > ? ORDER BY id LIMIT ?')
    let prev = GENESIS_HASH
    let prevId = 0
    let rows = 0
    for (;;) {
      const batch = page.all(prevId, VERIFY_PAGE) as Row[]
      for (const r of batch) {
        rows++
        if (r.hash === null) return { ok: false, rows, head: prev, brokenAt: r.id, problem: 'not sealed (written before the chain; the server seals such rows at start)' }
        if (r.prev_hash !== prev) return { ok: false, rows, head: prev, brokenAt: r.id, problem: 'prev_hash is not the hash of the row before' }
        if (rowHash(r.prev_hash, r) !== r.hash) return { ok: false, rows, head: prev, brokenAt: r.id, problem: 'content does not match its hash (altered)' }
        prev = r.hash
        prevId = r.id
      }
      if (batch.length < VERIFY_PAGE) return { ok: true, rows, head: prev }
    }
  }
}

function whereOf (f: AuditFilter): { where: string[], params: Record<string, string | number> } {
  const where: string[] = []
  const params: Record<string, string | number> = {}
  if (f.kind !== undefined) {
    if (f.kind.endsWith('.*')) {
      // A range on the prefix keeps the kind index usable (LIKE would need escaping of _ and %).
      const prefix = f.kind.slice(0, -1)
      where.push('action >= @kindLo AND action < @kindHi')
      params.kindLo = prefix
      params.kindHi = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1)
    } else {
      where.push('action = @kind')
      params.kind = f.kind
    }
  }
  if (f.actor !== undefined) { where.push('actor = @actor'); params.actor = f.actor }
  if (f.subject !== undefined) { where.push('subject = @subject'); params.subject = f.subject }
  if (f.from !== undefined) { where.push('at >= @from'); params.from = f.from }
  if (f.to !== undefined) { where.push('at < @to'); params.to = f.to }
  return { where, params }
}
