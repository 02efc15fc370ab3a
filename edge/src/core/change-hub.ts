// What changed in the store, for the panel's live updates (GET /api/v1/stream). Sources publish
// small notices by topic; the hub gathers each topic's notices for a short window and hands
// subscribers one notice per topic per window, so a full scoring pass or a detector creating 500
// tasks is one message, not thousands. The panel refetches the REST resource a notice names.
// Windows run on real time (setTimeout), not the server clock: they pace a screen, not decisions.

export const CHANGE_TOPICS = ['tasks', 'risk', 'proposals', 'devices', 'outbox', 'alerts'] as const
export type ChangeTopic = typeof CHANGE_TOPICS[number]

/** One topic's notices of one window. */
export interface ChangeNotice {
  topic: ChangeTopic
  /** Wall-clock time the notice was sent (ISO). */
  at: string
  /** Notices published in the window. */
  count: number
  /** The first MAX_ITEMS of them (what changed: ids, states, who); `count` says how many there were. */
  items: Array<Record<string, unknown>>
}

export type ChangeSubscriber = (n: ChangeNotice) => void

/** Items a notice carries; the rest are counted only (the client refetches anyway). */
export const MAX_ITEMS = 20

export interface ChangeHubOptions {
  /** Milliseconds a topic's notices are gathered before they go out (per topic; default 250). */
  windowMs?: Partial<Record<ChangeTopic, number>>
  defaultWindowMs?: number
}

interface Pending { count: number, items: Array<Record<string, unknown>>, timer: NodeJS.Timeout }

export class ChangeHub {
  private readonly subscribers = new Set<ChangeSubscriber>()
  private readonly pending = new Map<ChangeTopic, Pending>()
  private closed = false

  constructor (private readonly o: ChangeHubOptions = {}) {}

  /** Subscribers now: sources that cost something (polls) run only while someone listens. */
  get listening (): number { return this.subscribers.size }

  subscribe (fn: ChangeSubscriber): () => void {
    this.subscribers.add(fn)
    return () => { this.subscribers.delete(fn) }
  }

  /** Records a change; it goes out with the others of its topic when the topic's window ends. */
  publish (topic: ChangeTopic, item: Record<string, unknown> = {}): void {
    if (this.closed || this.subscribers.size === 0) return
    let p = this.pending.get(topic)
    if (p === undefined) {
      const timer = setTimeout(() => this.send(topic), this.o.windowMs?.[topic] ?? this.o.defaultWindowMs ?? 250)
      timer.unref()
      p = { count: 0, items: [], timer }
      this.pending.set(topic, p)
    }
    p.count++
    if (p.items.length < MAX_ITEMS) p.items.push(item)
  }

  private send (topic: ChangeTopic): void {
    const p = this.pending.get(topic)
    if (p === undefined) return
    this.pending.delete(topic)
    const notice: ChangeNotice = { topic, at: new Date().toISOString(), count: p.count, items: p.items }
    for (const fn of [...this.subscribers]) {
      // A subscriber (one browser's stream) that throws must not cost the others their notice.
      try { fn(notice) } catch { /* the stream route logs its own failures */ }
    }
  }

  /** Drops what waits and stops taking notices (server shutdown). */
  close (): void {
    this.closed = true
    for (const p of this.pending.values()) clearTimeout(p.timer)
    this.pending.clear()
    this.subscribers.clear()
  }
}
