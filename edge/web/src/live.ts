// Live updates: the server's event stream (GET /api/v1/stream, server-sent events) says what
// changed ('tasks', 'risk', 'proposals', 'devices', 'outbox', 'alerts'); views refetch what they
// show. EventSource reconnects by itself; the header's dot says whether the stream is up.

export type Topic = 'tasks' | 'risk' | 'proposals' | 'devices' | 'outbox' | 'alerts'
export const TOPICS: Topic[] = ['tasks', 'risk', 'proposals', 'devices', 'outbox', 'alerts']

type Listener = (topic: Topic, data: unknown) => void

/** Why the server ended the stream (its last event, `ended`); see http/panel/streams.ts. */
export type EndReason = 'signed_out' | 'account_changed' | 'session_ended' | 'shutdown'

export class Live {
  private source: EventSource | null = null
  private readonly listeners = new Set<Listener>()
  private readonly stateListeners = new Set<(up: boolean) => void>()
  private readonly endListeners = new Set<(reason: EndReason) => void>()
  up = false

  start (): void {
    if (this.source !== null) return
    const s = new EventSource('/api/v1/stream', { withCredentials: true })
    this.source = s
    s.onopen = () => { this.setUp(true) }
    s.onerror = () => { this.setUp(false) }
    for (const topic of TOPICS) {
      s.addEventListener(topic, (e) => {
        let data: unknown = null
        try { data = JSON.parse((e as MessageEvent<string>).data) } catch {}
        for (const fn of this.listeners) fn(topic, data)
      })
    }
    s.addEventListener('ended', (e) => {
      let reason: EndReason = 'session_ended'
      try { reason = (JSON.parse((e as MessageEvent<string>).data) as { reason: EndReason }).reason } catch {}
      // The server restarting (shutdown) is worth reconnecting to; an ended session is not: the
      // reconnect would only be refused (401) while the dot says "reconnecting".
      if (reason !== 'shutdown') this.stop()
      for (const fn of this.endListeners) fn(reason)
    })
  }

  stop (): void {
    this.source?.close()
    this.source = null
    this.setUp(false)
  }

  /** Calls fn on every notice; returns an unsubscribe. */
  on (fn: Listener): () => void {
    this.listeners.add(fn)
    return () => { this.listeners.delete(fn) }
  }

  onState (fn: (up: boolean) => void): void { this.stateListeners.add(fn) }

  /** Calls fn when the server ends the stream, with why. */
  onEnded (fn: (reason: EndReason) => void): void { this.endListeners.add(fn) }

  private setUp (up: boolean): void {
    if (up === this.up) return
    this.up = up
    for (const fn of this.stateListeners) fn(up)
  }
}
