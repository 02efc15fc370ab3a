// The models this store has run (model_registry) and who decided what about them (audit_log).
// Both change on an operator's call or at start, a handful of times a year: written on the main
// connection, each change in one transaction with its audit line.

import { AuditLog } from '../../store/audit.js'
import type { Database } from '../../store/db.js'

export type ModelRole = 'active' | 'candidate' | 'retired'
export type ModelOrigin = 'config' | 'path' | 'upload'

export interface RegistryRow {
  id: number
  role: ModelRole
  version: string
  sha256: string
  path: string
  kind: string
  origin: ModelOrigin
  loadedAt: string
  activatedAt: string | null
  retiredAt: string | null
  metrics: Record<string, unknown>
}

interface Row { id: number, role: ModelRole, version: string, sha256: string, path: string, kind: string, origin: ModelOrigin, loaded_at: string, activated_at: string | null, retired_at: string | null, metrics: string }

const fromRow = (r: Row): RegistryRow => ({
  id: r.id, role: r.role, version: r.version, sha256: r.sha256, path: r.path, kind: r.kind, origin: r.origin,
  loadedAt: r.loaded_at, activatedAt: r.activated_at, retiredAt: r.retired_at, metrics: JSON.parse(r.metrics) as Record<string, unknown>
})

export interface AuditEntry { id: number, at: string, actor: string, action: string, subject: string | null, detail: Record<string, unknown> }

export class ModelRegistry {
  /** The one audit log (hash-chained since migration 010). */
  private readonly log: AuditLog

  constructor (private readonly db: Database, private readonly now: () => string) {
    this.log = new AuditLog(db, now)
  }

  role (role: ModelRole): RegistryRow | null {
    const r = this.db.prepare("SELECT * FROM model_registry WHERE name = 'shelf-risk' AND role = ? ORDER BY id DESC LIMIT 1").get(role) as Row | undefined
    return r ? fromRow(r) : null
  }

  /** The model active before the current one: the last retired row that had been active. */
  previous (): RegistryRow | null {
    const r = this.db.prepare(`SELECT * FROM model_registry WHERE name = 'shelf-risk' AND role = 'retired' AND activated_at IS NOT NULL
      ORDER BY retired_at DESC, id DESC LIMIT 1`).get() as Row | undefined
    return r ? fromRow(r) : null
  }

  history (limit = 50): RegistryRow[] {
    return (this.db.prepare("SELECT * FROM model_registry WHERE name = 'shelf-risk' ORDER BY id DESC LIMIT ?").all(limit) as Row[]).map(fromRow)
  }

  /** Runs `fn` and its audit line in one transaction. */
  change<T> (audit: { actor: string, action: string, subject: string | null, detail: Record<string, unknown> }, fn: () => T): T {
    return this.db.transaction(() => {
      const out = fn()
      this.log.append({ kind: audit.action, actor: audit.actor, subject: audit.subject, inputs: audit.detail })
      return out
    }).immediate()
  }

  /** A new row in `role` (inside change()). */
  add (m: { role: ModelRole, version: string, sha256: string, path: string, kind: string, origin: ModelOrigin, metrics: unknown }): number {
    const at = this.now()
    const res = this.db.prepare(`INSERT INTO model_registry (role, version, sha256, path, kind, origin, loaded_at, activated_at, metrics)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(m.role, m.version, m.sha256, m.path, m.kind, m.origin, at, m.role === 'active' ? at : null, JSON.stringify(m.metrics ?? {}))
    return Number(res.lastInsertRowid)
  }

  /** Moves a row to another role (inside change()); `metrics` are merged into what it keeps. */
  setRole (id: number, role: ModelRole, metrics?: Record<string, unknown>): void {
    const at = this.now()
    const row = this.db.prepare('SELECT metrics FROM model_registry WHERE id = ?').get(id) as { metrics: string } | undefined
    const merged = metrics ? JSON.stringify({ ...JSON.parse(row?.metrics ?? '{}') as object, ...metrics }) : row?.metrics ?? '{}'
    this.db.prepare(`UPDATE model_registry SET role = ?, metrics = ?,
        activated_at = CASE WHEN ? = 'active' THEN ? ELSE activated_at END,
        retired_at = CASE WHEN ? = 'retired' THEN ? ELSE retired_at END
      WHERE id = ?`).run(role, merged, role, at, role, at, id)
  }

  audit (opts: { action?: string, subject?: string, limit?: number } = {}): AuditEntry[] {
    const where: string[] = []
    const args: unknown[] = []
    if (opts.action) { where.push('action LIKE ?'); args.push(`${opts.action}%`) }
    if (opts.subject) { where.push('subject = ?'); args.push(opts.subject) }
    const rows = this.db.prepare(`SELECT id, at, actor, action, subject, detail FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`)
      .all(...args, opts.limit ?? 50) as Array<{ id: number, at: string, actor: string, action: string, subject: string | null, detail: string }>
    return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }))
  }
}
