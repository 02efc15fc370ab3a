// An associate's handheld app posting canonical events over HTTP as its device. The app keeps an
// outbox: what the associate does on bad Wi-Fi waits there and goes, in order, once the handheld
// is back. An event leaves the outbox only when the server has answered for it, so a post cut off
// mid-way is sent again, and the server applies each event id once (DESIGN.md, canonical event).

import { ApiError, MAX_EVENTS_PER_POST, type DeviceCredentials, type PostResult, type Rejection, type StoreApi } from './api.js'

export interface HandheldStats {
  /** Events the server answered for (accepted, duplicate or rejected). */
  posted: number
  /** Events that waited in the outbox because the handheld was offline. */
  queued: number
  /** Answered as already applied: a replay. */
  duplicates: number
  rejected: number
  rejections: Rejection[]
  /** Events in the outbox now. */
  waiting: number
}

/** Task actions sent with the associate's sign-in token (see TaskHand in server-devices.ts). */
export interface ActionSend {
  actions: object[]
  /** Posts them; resolves once the server answered each (a refusal of one is an answer). */
  send: (actions: object[]) => Promise<void>
}

type Entry = { event: object } | { call: ActionSend }

export class Handheld {
  readonly id: string
  private isOnline = true
  /** Events and task actions in the order the associate made them. */
  private outbox: Entry[] = []
  /** One flush at a time, so two posts never race and reorder the outbox. */
  private flushing: Promise<void> = Promise.resolve()
  private readonly counts = { posted: 0, queued: 0, duplicates: 0, rejected: 0 }
  private readonly rejections: Rejection[] = []

  constructor (private readonly api: StoreApi, private readonly creds: DeviceCredentials) {
    this.id = creds.id
  }

  get online (): boolean { return this.isOnline }

  /** Offline: the events wait in the outbox. Online: the outbox, then these, are sent in order. */
  async post (events: object[]): Promise<void> {
    for (const event of events) this.outbox.push({ event })
    if (!this.isOnline) {
      this.counts.queued += events.length
      return
    }
    await this.flush()
  }

  /** Task actions: after whatever events the associate scanned before them, like those. */
  async act (call: ActionSend): Promise<void> {
    this.outbox.push({ call })
    if (!this.isOnline) {
      this.counts.queued += call.actions.length
      return
    }
    await this.flush()
  }

  /** Coming back online sends the outbox. */
  async setOnline (online: boolean): Promise<void> {
    this.isOnline = online
    if (online) await this.flush()
  }

  stats (): HandheldStats {
    return { ...this.counts, rejections: [...this.rejections], waiting: this.outbox.length }
  }

  /**
   * Sends the outbox a batch at a time. A failure that may pass (server unreachable, shutting
   * down, credentials refused) leaves the unsent events in it and throws.
   */
  private flush (): Promise<void> {
    const run = this.flushing.then(async () => {
      while (this.outbox.length > 0 && this.isOnline) {
        const head = this.outbox[0]
        if ('call' in head) {
          await head.call.send(head.call.actions)
          this.outbox.shift()
          continue
        }
        let n = 0
        while (n < this.outbox.length && n < MAX_EVENTS_PER_POST && 'event' in this.outbox[n]) n++
        const batch = this.outbox.slice(0, n).map((e) => (e as { event: object }).event)
        let r: PostResult
        try {
          r = await this.api.postEvents(this.creds, batch)
        } catch (err) {
          if (!refusedWhole(err)) throw err
          // The request itself was refused (schema, size): sending it again would be refused
          // again, so the batch is answered, each event rejected with the request's code.
          r = { accepted: 0, duplicates: 0, rejected: batch.length, rejections: batch.map((e) => ({ id: idOf(e), code: err.code ?? String(err.status), message: err.serverMessage })) }
        }
        // Answered, so out of the outbox: even a rejection is final (it is a dead letter now).
        this.outbox.splice(0, batch.length)
        this.counts.posted += batch.length
        this.counts.duplicates += r.duplicates
        this.counts.rejected += r.rejected
        this.rejections.push(...r.rejections)
      }
    })
    // A failed flush must not block the next one: that one retries the same outbox.
    this.flushing = run.catch(() => {})
    return run
  }
}

/** 400, 413, 422: this request will never be taken; 401, 403, 5xx and no answer may pass. */
function refusedWhole (err: unknown): err is ApiError {
  return err instanceof ApiError && (err.status === 400 || err.status === 413 || err.status === 422)
}

function idOf (e: object): string | null {
  const id = (e as { id?: unknown }).id
  return typeof id === 'string' ? id : null
}
