// Sends the ERP-bound outbox to the cloud relay: one lane at a time in priority order (urgent:
// orders and adjustments, then normal, then telemetry), so a fresh order is never stuck behind a
// day of receipts. A batch's rows are deleted only once the relay has answered that every one of
// them is stored (inserted now, or a duplicate of one it had); anything else keeps them. A kill -9
// at any point therefore loses nothing: at worst a batch is sent again, and the relay applies each
// (storeId, eventId) once. Failures back off exponentially with full jitter; a refusal (4xx) keeps
// the rows and is alarmed until someone fixes the cause (a token, a mapping), then they go.
// Batches go by size and by time: a full batch goes at once; a partial one of the normal or
// telemetry lane waits up to outboxLingerMs from when the sender first saw it, so a burst of
// receipts is one request rather than one per row. Urgent rows never wait.

import type { EdgeConfig } from '../core/config.js'
import type { Log } from '../core/log.js'
import { OUTBOX_LANES, type OutboxRow, type OutboxRows } from '../store/outbox-rows.js'
import { backoffMs } from './backoff.js'
import { Bandwidth } from './bandwidth.js'
import { probeLink } from './link-probe.js'
import { gzipJson, postJson, type PostResult } from './post.js'

export type SenderConfig = Pick<EdgeConfig, 'relayUrl' | 'relayToken' | 'storeId' | 'outboxBatchMax' | 'outboxBackoffMinMs' | 'outboxBackoffMaxMs' | 'outboxMaxBytesPerS' | 'outboxSendTimeoutMs' | 'outboxLingerMs'>

export interface SenderOptions {
  config: SenderConfig
  rows: OutboxRows
  log: Log
  /** Milliseconds between looks at an empty outbox. */
  idleMs?: number
  random?: () => number
  /** Milliseconds between link probes while backing off after a network failure. */
  probeEveryMs?: number
  post?: (url: string, token: string | null, body: Buffer, timeoutMs: number) => Promise<PostResult>
}

export const SENDER_STATES = ['off', 'idle', 'sending', 'backoff', 'refused'] as const

export interface SenderStatus {
  enabled: boolean
  state: typeof SENDER_STATES[number]
  /** Consecutive failed sends. */
  failures: number
  nextAttemptAt: string | null
  /** The last batch the relay took: when, how many rows, the relay's highest stored seq for the store. */
  lastAck: { at: string, batchRows: number, highestSeq: number | null } | null
  /** Highest seq of this store's rows the relay has acknowledged since start, or null. */
  lastAckedSeq: number | null
  lastError: { at: string, status: number | null, code: string | null, message: string } | null
  sentBatches: number
  sentRows: number
  /** Compressed bytes sent. */
  sentBytes: number
}

/** A 4xx the store cannot fix by trying again: the rows stay, the alarm stays, until the cause is fixed. */
function refusal (status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429
}

export class OutboxSender {
  private stopped = false
  private wake: (() => void) | null = null
  private loopDone: Promise<void> | null = null
  private readonly s: SenderStatus
  private readonly bandwidth: Bandwidth

  constructor (private readonly o: SenderOptions) {
    this.bandwidth = new Bandwidth(o.config.outboxMaxBytesPerS)
    this.s = { enabled: o.config.relayUrl !== null, state: o.config.relayUrl !== null ? 'idle' : 'off', failures: 0, nextAttemptAt: null, lastAck: null, lastAckedSeq: null, lastError: null, sentBatches: 0, sentRows: 0, sentBytes: 0 }
  }

  status (): SenderStatus { return { ...this.s } }

  start (): void {
    if (this.o.config.relayUrl === null || this.loopDone !== null) return
    this.loopDone = this.loop().catch((err: unknown) => { this.o.log.error({ err }, 'outbox sender stopped on an unexpected error') })
  }

  /** New rows were written: an idle sender looks now rather than at its next idle tick. */
  kick (): void {
    if (this.s.state === 'idle') this.wake?.()
  }

  async stop (): Promise<void> {
    this.stopped = true
    this.wake?.()
    await this.loopDone
  }

  private sleep (ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.wake = null; resolve() }, ms)
      this.wake = () => { clearTimeout(timer); this.wake = null; resolve() }
    })
  }

  /** The oldest rows of the most urgent lane that has any. */
  private next (): OutboxRow[] {
    for (const lane of OUTBOX_LANES) {
      const rows = this.o.rows.nextOfLane(lane, this.o.config.outboxBatchMax)
      if (rows.length > 0) return rows
    }
    return []
  }

  /** Milliseconds a partial, non-urgent batch first seen at `since` should still wait for more rows. */
  private lingerLeft (batch: OutboxRow[], since: number): number {
    if (batch.length >= this.o.config.outboxBatchMax || batch[0].lane === 'urgent') return 0
    return since + this.o.config.outboxLingerMs - Date.now()
  }

  /** The gzip body of a batch as the relay takes it. */
  private body (batch: OutboxRow[]): Buffer {
    return gzipJson({ storeId: this.o.config.storeId, sentAt: new Date().toISOString(), events: batch })
  }

  /**
   * While the relay works on `sent`, the full batch after it in the same lane, compressed: a
   * backlog's next batch is ready when the answer comes (reading and compressing a batch costs as
   * much as the relay storing it). null when there is no full batch to go next.
   */
  private ahead (sent: OutboxRow[]): { batch: OutboxRow[], data: Buffer } | null {
    const last = sent[sent.length - 1]
    const batch = this.o.rows.nextOfLaneAfter(last.lane, last.seq, this.o.config.outboxBatchMax)
    if (batch.length < this.o.config.outboxBatchMax) return null
    return { batch, data: this.body(batch) }
  }

  /** A batch prepared ahead still goes next unless a more urgent lane has rows now. */
  private stillNext (prepared: { batch: OutboxRow[] }): boolean {
    for (const lane of OUTBOX_LANES) {
      if (lane === prepared.batch[0].lane) return true
      if (this.o.rows.nextOfLane(lane, 1).length > 0) return false
    }
    return true
  }

  private async loop (): Promise<void> {
    const url = `${this.o.config.relayUrl!.replace(/\/+$/, '')}/v1/stores/${encodeURIComponent(this.o.config.storeId)}/batches`
    const post = this.o.post ?? postJson
    // Wall-clock ms when the current partial batch was first seen (not the rows' createdAt: the
    // server's clock may be simulated), or null.
    let lingerSince: number | null = null
    let prepared: { batch: OutboxRow[], data: Buffer } | null = null
    while (!this.stopped) {
      const ready = prepared !== null && this.stillNext(prepared) ? prepared : null
      prepared = null
      const batch = ready?.batch ?? this.next()
      if (batch.length === 0) {
        lingerSince = null
        this.s.state = 'idle'
        await this.sleep(this.o.idleMs ?? 250)
        continue
      }
      const left = this.lingerLeft(batch, lingerSince ??= Date.now())
      if (left > 0) {
        // In idle-sized steps, so an urgent row or a filled batch written meanwhile is seen.
        this.s.state = 'idle'
        await this.sleep(Math.min(left, this.o.idleMs ?? 250))
        continue
      }
      lingerSince = null
      this.s.state = 'sending'
      const data = ready?.data ?? this.body(batch)
      const wait = this.bandwidth.take(data.length)
      if (wait > 0) await this.sleep(wait)
      if (this.stopped) break
      let res: PostResult | null = null
      let err: Error | null = null
      // Settled into a value at once: a refused connection may fail it before it is awaited below.
      const sending = post(url, this.o.config.relayToken, data, this.o.config.outboxSendTimeoutMs)
        .then((answer) => ({ answer, error: null }), (error: unknown) => ({ answer: null, error: error as Error }))
      // Let the request leave first, then prepare the next batch while the relay stores this one.
      await new Promise((resolve) => setImmediate(resolve))
      const next = this.ahead(batch)
      const settled = await sending
      res = settled.answer
      err = settled.error
      if (res !== null && res.status === 200) { this.s.sentBytes += data.length; prepared = next }
      if (res !== null && res.status === 200 && this.acknowledged(res, batch)) continue
      prepared = null
      await this.failed(res, err, batch)
    }
  }

  /** True, with the rows deleted, when the relay says every row of the batch is stored. */
  private acknowledged (res: PostResult, batch: OutboxRow[]): boolean {
    let ack: { stored?: unknown, duplicates?: unknown, highestSeq?: unknown }
    try { ack = JSON.parse(res.body) as typeof ack } catch { ack = {} }
    const stored = typeof ack.stored === 'number' ? ack.stored : -1
    const duplicates = typeof ack.duplicates === 'number' ? ack.duplicates : -1
    if (stored < 0 || duplicates < 0 || stored + duplicates !== batch.length) {
      this.o.log.error({ rows: batch.length, stored, duplicates }, 'relay answer does not account for the whole batch: rows kept')
      return false
    }
    this.o.rows.acknowledge(batch)
    const at = new Date().toISOString()
    this.s.lastAck = { at, batchRows: batch.length, highestSeq: typeof ack.highestSeq === 'number' ? ack.highestSeq : null }
    // Lanes interleave seqs, so the batch's own highest seq may be below one acknowledged earlier.
    this.s.lastAckedSeq = Math.max(this.s.lastAckedSeq ?? 0, ...batch.map((r) => r.seq))
    this.s.sentBatches++
    this.s.sentRows += batch.length
    if (this.s.failures > 0) this.o.log.info({ after: this.s.failures }, 'relay reachable again: sending the backlog')
    this.s.failures = 0
    this.s.nextAttemptAt = null
    return true
  }

  private async failed (res: PostResult | null, err: Error | null, batch: OutboxRow[]): Promise<void> {
    this.s.failures++
    let code: string | null = null
    let message = err?.message ?? `relay answered ${res?.status ?? 0}`
    if (res !== null) {
      try {
        const e = (JSON.parse(res.body) as { error?: { code?: string, message?: string } }).error
        code = e?.code ?? null
        if (e?.message !== undefined) message = `${res.status} ${e.message}`
      } catch {}
    }
    const refused = res !== null && refusal(res.status)
    this.s.lastError = { at: new Date().toISOString(), status: res?.status ?? null, code, message }
    const delay = refused ? this.o.config.outboxBackoffMaxMs : backoffMs(this.s.failures, this.o.config.outboxBackoffMinMs, this.o.config.outboxBackoffMaxMs, this.o.random)
    this.s.state = refused ? 'refused' : 'backoff'
    this.s.nextAttemptAt = new Date(Date.now() + delay).toISOString()
    const line = { status: res?.status ?? null, code, message, rows: batch.length, lane: batch[0].lane, failures: this.s.failures, retryInMs: delay }
    if (refused) this.o.log.error(line, 'relay refused an outbox batch: rows kept until the cause is fixed')
    else this.o.log.warn(line, 'outbox batch not delivered: rows kept, retrying')
    // No answer at all (the link is down): look at the link every few seconds and go as soon as it is back.
    const probe = res === null ? this.watchLink() : null
    await this.sleep(delay)
    probe?.()
  }

  /**
   * Wakes the sender when the relay's host takes a connection again; returns a stop function,
   * which also ends the wait for the next look (a pending timer would hold a stopped server's
   * process open for up to probeEveryMs).
   */
  private watchLink (): () => void {
    let stopped = false
    let endWait: (() => void) | null = null
    const every = this.o.probeEveryMs ?? 5000
    const look = async (): Promise<void> => {
      while (!stopped && !this.stopped) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, every)
          endWait = () => { clearTimeout(timer); resolve() }
        })
        endWait = null
        if (stopped || this.stopped) return
        if (await probeLink(this.o.config.relayUrl!, Math.min(every, 3000))) {
          if (!stopped) { this.o.log.info({}, 'relay link is back: sending now'); this.wake?.() }
          return
        }
      }
    }
    void look()
    return () => { stopped = true; endWait?.() }
  }
}
