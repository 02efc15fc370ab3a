// Forwards stored events to the ERP: a worker claims one store at a time (no other worker, in this
// process or another one sharing PostgreSQL, holds it meanwhile), sends its events in seq order and
// marks what went. A failure stops that store's stream where it is (later events wait, order is kept)
// until a retry after exponential backoff with jitter; other stores go on. An event the ERP refuses
// as it is (a 4xx) is parked in the dead letters and the store goes on past it.

import type { FastifyBaseLogger } from 'fastify'
import type { Claim, RelayStorage } from '../storage/types.js'
import { ErpError, type ErpAdapter } from './adapter.js'

export interface ForwarderOptions {
  storage: RelayStorage
  adapter: ErpAdapter
  workerId: string
  log: Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>
  /** Events per claim. */
  batch?: number
  /** Milliseconds to wait when no store has anything to forward. */
  idleMs?: number
  /** Backoff after a failed send, milliseconds: first and ceiling. */
  retryMinMs?: number
  retryMaxMs?: number
  now?: () => number
  random?: () => number
}

export interface ForwarderStats { forwarded: number, failures: number, claims: number, deadLettered: number }

export class Forwarder {
  private stopped = false
  private loopDone: Promise<void> | null = null
  private wake: (() => void) | null = null
  /** Consecutive failures per store, for its backoff. */
  private readonly failures = new Map<string, number>()
  readonly stats: ForwarderStats = { forwarded: 0, failures: 0, claims: 0, deadLettered: 0 }

  constructor (private readonly o: ForwarderOptions) {}

  start (): void {
    this.loopDone ??= this.loop().catch((err: unknown) => { this.o.log.error({ err }, 'forwarder stopped on an unexpected error') })
  }

  async stop (): Promise<void> {
    this.stopped = true
    this.wake?.()
    await this.loopDone
  }

  /** Forwards what one claim gives; false when there was nothing to claim. */
  async once (): Promise<boolean> {
    const claim = await this.o.storage.claimNext(this.o.workerId, this.o.batch ?? 100)
    if (claim === null) return false
    this.stats.claims++
    await this.forward(claim)
    return true
  }

  private async forward (claim: Claim): Promise<void> {
    const sent: string[] = []
    const now = this.o.now ?? Date.now
    for (const e of claim.events) {
      // A claim is a lease: once it runs out another worker may take the store and send the same
      // events while this one still does (twice to the ERP, their order lost; an ERP without an
      // idempotency header, like ERPNext's look-up-then-create, books them twice), and this
      // worker's complete() is refused, so a slow ERP whose claims outlast the lease never gets
      // its events marked: found by a fault test (a slow ERP), where they were sent again and
      // again. So stop while the lease still covers the slowest send, and release what went;
      // the store is claimed again at once. The first event always goes, so a claim progresses.
      if (sent.length > 0 && now() + (this.o.adapter.maxSendMs ?? 0) >= claim.leaseUntil) break
      try {
        await this.o.adapter.send(e)
        sent.push(e.eventId)
      } catch (err) {
        const n = (this.failures.get(claim.storeId) ?? 0) + 1
        this.failures.set(claim.storeId, n)
        this.stats.failures++
        this.stats.forwarded += sent.length
        const at = now()
        const bound = Math.min(this.o.retryMaxMs ?? 300_000, (this.o.retryMinMs ?? 1000) * 2 ** Math.min(n - 1, 20))
        const retryAt = at + Math.max(this.o.retryMinMs ?? 1000, Math.round((this.o.random ?? Math.random)() * bound))
        const e2 = err instanceof ErpError ? err : new ErpError((err as Error).message, true)
        if (!e2.retryable) {
          // The ERP refuses this event as it is: parked with the reason for a replay after the fix,
          // and the store's later events go on.
          await this.o.storage.deadLetter(claim, e.eventId, `${this.o.adapter.name}: ${e2.message}`, sent)
          this.stats.deadLettered++
          this.failures.delete(claim.storeId)
          this.o.log.error({ storeId: claim.storeId, eventId: e.eventId, seq: e.seq, status: e2.status, reason: e2.message }, 'ERP refused an event: dead-lettered, replay it after the fix')
          return
        }
        await this.o.storage.fail(claim, `${this.o.adapter.name}: ${e2.message}`, retryAt, sent)
        this.o.log.warn({ storeId: claim.storeId, eventId: e.eventId, seq: e.seq, status: e2.status, retryable: e2.retryable, failures: n, retryInMs: retryAt - at }, 'ERP did not take an event: the store waits, in order')
        return
      }
    }
    this.failures.delete(claim.storeId)
    await this.o.storage.complete(claim, sent)
    this.stats.forwarded += sent.length
  }

  private async loop (): Promise<void> {
    while (!this.stopped) {
      let worked = false
      try {
        worked = await this.once()
      } catch (err) {
        this.o.log.error({ err }, 'forwarding step failed; trying again')
      }
      if (!worked && !this.stopped) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => { this.wake = null; resolve() }, this.o.idleMs ?? 500)
          this.wake = () => { clearTimeout(timer); this.wake = null; resolve() }
        })
      }
    }
  }
}
