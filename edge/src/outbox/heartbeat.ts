// The store's heartbeat to the relay, every outboxHeartbeatS seconds of real time while a relay is
// configured: versions, the outbox queue, devices online, disk use, what the sender is doing. The
// fleet view at headquarters reads it (and flags a store that stops sending it). A heartbeat that
// fails is only logged: the next one says the same, newer.

import type { Log } from '../core/log.js'
import { gzipJson, postJson, type PostResult } from './post.js'

export interface HeartbeatOptions {
  relayUrl: string | null
  relayToken: string | null
  storeId: string
  everyMs: number
  /** A heartbeat with no answer in this many milliseconds counts as failed (outboxSendTimeoutMs). */
  timeoutMs: number
  /** What the heartbeat reports, read when it is sent. */
  collect: () => Record<string, unknown>
  log: Log
  post?: (url: string, token: string | null, body: Buffer, timeoutMs: number) => Promise<PostResult>
}

export interface HeartbeatStatus { lastAt: string | null, lastOk: boolean | null, lastStatus: number | null, sent: number }

export class Heartbeat {
  private timer: NodeJS.Timeout | null = null
  private readonly s: HeartbeatStatus = { lastAt: null, lastOk: null, lastStatus: null, sent: 0 }

  constructor (private readonly o: HeartbeatOptions) {}

  status (): HeartbeatStatus { return { ...this.s } }

  start (): void {
    if (this.o.relayUrl === null || this.timer !== null) return
    void this.beat()
    this.timer = setInterval(() => { void this.beat() }, this.o.everyMs)
    this.timer.unref()
  }

  stop (): void {
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
  }

  /** Sends one heartbeat now; resolves true when the relay took it. */
  async beat (): Promise<boolean> {
    const url = `${this.o.relayUrl!.replace(/\/+$/, '')}/v1/stores/${encodeURIComponent(this.o.storeId)}/heartbeat`
    this.s.lastAt = new Date().toISOString()
    try {
      const res = await (this.o.post ?? postJson)(url, this.o.relayToken, gzipJson(this.o.collect()), this.o.timeoutMs)
      this.s.lastStatus = res.status
      this.s.lastOk = res.status === 200
      if (this.s.lastOk) this.s.sent++
      else this.o.log.warn({ status: res.status, body: res.body.slice(0, 200) }, 'relay did not take the heartbeat')
    } catch (err) {
      this.s.lastOk = false
      this.s.lastStatus = null
      this.o.log.warn({ err: (err as Error).message }, 'heartbeat to the relay failed')
    }
    return this.s.lastOk
  }
}
