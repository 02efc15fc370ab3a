// Receiving: advance shipping notices in, receipts tallied against them, and the check when an ASN
// closes (by the API, or by itself receivingCloseMin minutes of the server clock after its last
// receipt). Each discrepancy gets a review task and an ERP-bound `receiving_discrepancy` outbox
// row in the transaction that closes the ASN, so a crash leaves either all of them or none.
//
// The tally is a table (asn_receipts) written from the commit listener, one row per journalled
// receipt keyed by its journal seq and (device, event id): duplicates never reach the listener and
// could not be inserted twice anyway. A receipt committed just before a crash, whose listener never
// ran, is picked up at start from the events table (rows after the highest seq recorded). A table
// rather than recomputing from the journal on every read: GET /asns/:id and the auto-close ask
// "received so far" and "last receipt" often, and the events table holds weeks of every event.

import type { Clock } from '../../core/clock.js'
import type { EdgeConfig } from '../../core/config.js'
import type { CanonicalEvent } from '../../core/event.js'
import { EdgeError, Errors } from '../../core/errors.js'
import type { Log } from '../../core/log.js'
import type { Scheduler } from '../../core/scheduler.js'
import type { CommittedEntry } from '../../ingest/commit-queue.js'
import { AsnStore, type Asn, type AsnLine, type AsnReceipt, type Discrepancy } from '../../store/asns.js'
import type { Item } from '../../store/catalog.js'
import type { Database } from '../../store/db.js'
import { OutboxRows } from '../../store/outbox-rows.js'
import type { TaskStore } from '../tasks/task-store.js'
import { discrepanciesOf, REVIEW_LABOR_MIN, reviewValue } from './check.js'

export interface ReceivingOptions {
  config: Pick<EdgeConfig, 'receivingCloseMin' | 'maxQty'>
  db: Database
  tasks: TaskStore
  clock: Clock
  scheduler: Scheduler
  log: Log
  item: (sku: string) => Item | undefined
}

export interface AsnInput { id: string, supplier?: string, expectedAt?: string, lines: Array<{ sku: string, qty: number, cases?: number }> }

export interface AsnDetail extends Asn {
  /** The ASN's lines and any SKU received that it did not list (expected 0, listed false). */
  lines: Array<{ sku: string, expected: number, cases: number | null, received: number, listed: boolean }>
  discrepancies: Discrepancy[]
}

/** How often quiet ASNs are looked for, milliseconds of the server clock. */
const AUTO_CLOSE_EVERY_MS = 60_000

export class ReceivingService {
  readonly asns: AsnStore
  private readonly outbox: OutboxRows
  private cancelJob: (() => void) | null = null

  constructor (private readonly o: ReceivingOptions) {
    this.asns = new AsnStore(o.db)
    this.outbox = new OutboxRows(o.db, () => this.now())
  }

  private now (): string { return new Date(this.o.clock.now()).toISOString() }

  /** Catches the tally up with the journal, then starts the auto-close job. */
  start (): void {
    const missed = this.asns.journalReceiptsAfter(this.asns.lastSeq())
    if (missed.length > 0) {
      this.o.db.transaction(() => { for (const r of missed) this.asns.addReceipt(r) }).immediate()
      this.o.log.info({ receipts: missed.length }, 'ASN receipts caught up from the journal')
    }
    this.cancelJob = this.o.scheduler.every('asn-auto-close', AUTO_CLOSE_EVERY_MS, () => { this.autoClose() })
  }

  stop (): void {
    this.cancelJob?.()
    this.cancelJob = null
  }

  /** Commit listener: records the receipts of the batch that name an ASN. */
  committed (accepted: ReadonlyArray<CommittedEntry>): void {
    const found: AsnReceipt[] = []
    for (const { seq, entry } of accepted) {
      const r = entry.kind === 'event' ? receiptOfEvent(seq, entry.event) : entry.kind === 'row' ? receiptOfRow(seq, entry.row) : null
      if (r !== null) found.push(r)
    }
    if (found.length === 0) return
    this.o.db.transaction(() => {
      for (const r of found) {
        this.asns.addReceipt(r)
        const a = this.asns.get(r.asnId)
        if (a?.state === 'closed') this.o.log.warn({ asn: r.asnId, sku: r.sku, qty: r.qty, event: r.eventId }, 'receipt names an ASN already closed: not checked again')
      }
    }).immediate()
  }

  /**
   * A new ASN (201), the same one again (200, created false), or EDGE_ERR_ASN_CONFLICT when the id
   * is taken by other lines. Unknown SKUs, repeated SKUs and quantities over maxQty are refused.
   */
  post (input: AsnInput): { asn: AsnDetail, created: boolean } {
    const lines = normalise(input, this.o.item, this.o.config.maxQty)
    const existing = this.asns.get(input.id)
    if (existing) {
      const before = this.asns.lines(input.id)
      if (!sameLines(before, lines)) {
        throw new EdgeError(Errors.ASN_CONFLICT, `ASN "${input.id}" exists with other lines`, { id: input.id, lines: before })
      }
      return { asn: this.detail(input.id)!, created: false }
    }
    this.asns.insert({ id: input.id, supplier: input.supplier ?? null, expectedAt: input.expectedAt ?? null, lines }, this.now())
    this.o.log.info({ asn: input.id, lines: lines.length, units: lines.reduce((s, l) => s + l.qty, 0) }, 'ASN received')
    return { asn: this.detail(input.id)!, created: true }
  }

  detail (id: string): AsnDetail | undefined {
    const a = this.asns.get(id)
    if (!a) return undefined
    const got = new Map(this.asns.received(id).map((r) => [r.sku, r.qty]))
    const lines: AsnDetail['lines'] = this.asns.lines(id).map((l) => ({ sku: l.sku, expected: l.qty, cases: l.cases, received: got.get(l.sku) ?? 0, listed: true }))
    const listed = new Set(lines.map((l) => l.sku))
    for (const [sku, qty] of got) if (!listed.has(sku)) lines.push({ sku, expected: 0, cases: null, received: qty, listed: false })
    return { ...a, lines, discrepancies: this.asns.discrepancies(id) }
  }

  /**
   * Closes an open ASN now and checks it: one review task, one discrepancy row and one outbox row
   * per SKU that came short, over or was not on it, all in one transaction. EDGE_ERR_ASN_UNKNOWN,
   * or EDGE_ERR_ASN_CLOSED when it was closed already.
   */
  close (id: string, by: 'api' | 'auto'): AsnDetail {
    const now = this.now()
    const made = this.o.db.transaction(() => {
      const a = this.asns.get(id)
      if (!a) throw new EdgeError(Errors.ASN_UNKNOWN, `ASN "${id}" does not exist`)
      if (!this.asns.markClosed(id, by, now)) throw new EdgeError(Errors.ASN_CLOSED, `ASN "${id}" was closed at ${a.closedAt} (${a.closedBy})`, { closedAt: a.closedAt, closedBy: a.closedBy })
      const received = this.asns.received(id)
      const dock = received.flatMap((r) => r.locations)[0] ?? this.asns.locationsOfKind('receiving')[0] ?? 'receiving'
      let n = 0
      for (const d of discrepanciesOf(this.asns.lines(id), received)) {
        const item = this.o.item(d.sku)
        const location = d.locations[0] ?? dock
        const why = { detector: 'receiving', asn: id, supplier: a.supplier, sku: d.sku, kind: d.kind, expected: d.expected, received: d.received, text: text(d.kind, d.expected, d.received) }
        const task = this.o.tasks.create({ kind: 'review', sku: d.sku, location, qty: d.diff, value: reviewValue(item?.unitPrice ?? null, d.diff), laborMin: REVIEW_LABOR_MIN, why, lineage: d.events })
        this.asns.addDiscrepancy({ asnId: id, sku: d.sku, kind: d.kind, expected: d.expected, received: d.received, taskId: task.id }, now)
        this.outbox.add({
          eventId: `receiving_discrepancy:${id}:${d.sku}`,
          type: 'receiving_discrepancy',
          sku: d.sku,
          payload: { asn: id, supplier: a.supplier, sku: d.sku, kind: d.kind, expected: d.expected, received: d.received, difference: d.received - d.expected, location, reviewTaskId: task.id, receipts: d.events },
          occurredAt: now
        })
        this.o.tasks.audit('system', 'task.create', task.id, { reason: 'receiving discrepancy', asn: id, kind: d.kind })
        n++
      }
      return n
    }).immediate()
    this.o.log.info({ asn: id, by, discrepancies: made }, 'ASN closed')
    return this.detail(id)!
  }

  /** Closes every open ASN whose last receipt is receivingCloseMin minutes old or more. */
  autoClose (): string[] {
    const before = new Date(this.o.clock.now() - this.o.config.receivingCloseMin * 60_000).toISOString()
    const closed: string[] = []
    for (const id of this.asns.quietSince(before)) {
      try {
        this.close(id, 'auto')
        closed.push(id)
      } catch (err) {
        // Closed by the API in between: nothing to do. Anything else is logged and retried next run.
        if (!(err instanceof EdgeError && err.code === Errors.ASN_CLOSED.code)) this.o.log.error({ err, asn: id }, 'ASN auto-close failed')
      }
    }
    return closed
  }
}

function text (kind: string, expected: number, received: number): string {
  if (kind === 'wrong_item') return `received ${received} units of an item not on the ASN`
  return `${kind === 'short' ? 'short' : 'over'}: expected ${expected}, received ${received}`
}

function receiptOfEvent (seq: number, e: CanonicalEvent): AsnReceipt | null {
  const asn = e.data.asn
  if (e.type !== 'receipt' || typeof asn !== 'string' || e.sku === undefined || e.qty === undefined) return null
  return { seq, asnId: asn, deviceId: e.deviceId, eventId: e.id, sku: e.sku, location: e.location ?? null, qty: e.qty, receivedAt: e.receivedAt }
}

function receiptOfRow (seq: number, row: Extract<CommittedEntry['entry'], { kind: 'row' }>['row']): AsnReceipt | null {
  if (row[2] !== 'receipt' || row[6] === null || row[9] === null) return null
  let asn: unknown
  try { asn = (JSON.parse(row[10]) as Record<string, unknown>).asn } catch { return null }
  if (typeof asn !== 'string') return null
  return { seq, asnId: asn, deviceId: row[0], eventId: row[1], sku: row[6], location: row[8], qty: row[9], receivedAt: row[5] }
}

function normalise (input: AsnInput, item: (sku: string) => Item | undefined, maxQty: number): AsnLine[] {
  if (input.lines.length === 0) throw new EdgeError(Errors.ASN_INVALID, `ASN "${input.id}" has no lines`)
  const seen = new Set<string>()
  const lines: AsnLine[] = []
  for (const [i, l] of input.lines.entries()) {
    if (!item(l.sku)) throw new EdgeError(Errors.UNKNOWN_SKU, `lines[${i}].sku "${l.sku}" is not in the item master`, { index: i, sku: l.sku })
    if (seen.has(l.sku)) throw new EdgeError(Errors.ASN_INVALID, `lines[${i}].sku "${l.sku}" is listed twice`, { index: i, sku: l.sku })
    if (!Number.isInteger(l.qty) || l.qty < 1 || l.qty > maxQty) throw new EdgeError(Errors.BAD_QTY, `lines[${i}].qty = ${l.qty} is not a whole number of units 1-${maxQty}`, { index: i, qty: l.qty })
    seen.add(l.sku)
    lines.push({ sku: l.sku, qty: l.qty, cases: l.cases ?? null })
  }
  return lines.sort((a, b) => a.sku < b.sku ? -1 : 1)
}

function sameLines (a: readonly AsnLine[], b: readonly AsnLine[]): boolean {
  return a.length === b.length && a.every((l, i) => l.sku === b[i].sku && l.qty === b[i].qty && (l.cases ?? null) === (b[i].cases ?? null))
}
