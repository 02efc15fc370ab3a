// Associates and the work they are told to do. Nobody acts on their own: work exists only when a
// policy queues it, and an associate on shift takes the most urgent item their role covers. How long
// it takes comes from walking and handling times, so labor is a cost both policies pay.

export type WorkKind = 'receive' | 'putaway' | 'fill' | 'count' | 'review' | 'walk'
export type Role = 'floor' | 'backroom'

export interface Work {
  id: number
  kind: WorkKind
  /** Higher first; ties go first-come first-served. */
  priority: number
  createdAt: number
  /** Why it exists (for the audit of a run): 'calendar', 'gap', 'low record', 'delivery'. */
  reason: string
  sku: string | null
  /** walk: the shelf bay walked. */
  bay?: string
  /** receive: a delivery's cartons; putaway: one carton (or, with `qty`, the SKU's cartons up to qty units). */
  cartons?: string[]
  /** putaway by SKU: units asked for (whole cartons are taken, at least one). */
  qty?: number
  /** putaway: where the cartons go; the backroom unless the server sends them straight to the shelf. */
  to?: 'shelf' | 'backroom'
  /** One piece of work per key at a time (the store-edge policy does not queue a second fill for a SKU). */
  key?: string
  /** Set by the policy that queued it, read back by it when the work is done (e.g. a task id). */
  ref?: string
  /** When an associate took it (sim ms), set by the engine. */
  startedAt?: number
}

export interface Associate {
  id: string
  role: Role
  /** Department zones this associate looks after; null = the whole store (backroom staff). */
  zones: string[] | null
  /** Minutes after midnight. */
  shiftStart: number
  shiftEnd: number
  /** Busy until this sim time (ms); the work in hand. */
  busyUntil: number
  current: Work | null
  startedAt: number
}

/** Handling and walking times, minutes unless named otherwise. */
export interface LaborTimes {
  /** Backroom to the sales floor and back. */
  tripMin: number
  fillPerUnitS: number
  receivePerCaseS: number
  receiveBaseMin: number
  putawayPerCaseS: number
  countBaseMin: number
  countPerUnitS: number
  /** Looking at one SKU on a walk of a bay. */
  walkPerSkuS: number
  /** Checking a receiving discrepancy against the paperwork and the cartons at the dock. */
  reviewMin: number
}

export const DEFAULT_TIMES: LaborTimes = {
  tripMin: 3,
  fillPerUnitS: 5,
  receivePerCaseS: 20,
  receiveBaseMin: 5,
  putawayPerCaseS: 40,
  countBaseMin: 2,
  countPerUnitS: 1.5,
  walkPerSkuS: 8,
  reviewMin: 5
}

export const ROLE_OF: Record<WorkKind, Role> = { receive: 'backroom', putaway: 'backroom', fill: 'floor', count: 'floor', review: 'backroom', walk: 'floor' }

/** Minutes a piece of work takes given what it turned out to involve (units moved, cases handled). */
export function minutesFor (kind: WorkKind, size: { units?: number, cases?: number, skus?: number }, t: LaborTimes = DEFAULT_TIMES): number {
  const units = size.units ?? 0
  const cases = size.cases ?? 0
  switch (kind) {
    case 'receive': return t.receiveBaseMin + (cases * t.receivePerCaseS) / 60
    case 'putaway': return 1 + (cases * t.putawayPerCaseS) / 60
    case 'review': return t.reviewMin
    case 'fill': return t.tripMin + (units * t.fillPerUnitS) / 60
    case 'count': return t.countBaseMin + (units * t.countPerUnitS) / 60
    case 'walk': return ((size.skus ?? 0) * t.walkPerSkuS) / 60 + (units * t.fillPerUnitS) / 60 + (units > 0 ? t.tripMin : 0)
  }
}

export class WorkQueue {
  private items: Work[] = []
  private readonly keys = new Set<string>()
  private nextId = 1

  push (w: Omit<Work, 'id'>): Work | null {
    if (w.key !== undefined) {
      if (this.keys.has(w.key)) return null
      this.keys.add(w.key)
    }
    const work = { ...w, id: this.nextId++ }
    this.items.push(work)
    return work
  }

  /**
   * The most urgent waiting work this role does, from the associate's own zones when there is any
   * (`mine`); otherwise the most urgent elsewhere, and `away` says they leave their zone for it.
   */
  take (role: Role, mine: (w: Work) => boolean = () => true): { work: Work, away: boolean } | undefined {
    let best = -1
    let bestAway = -1
    for (let i = 0; i < this.items.length; i++) {
      const w = this.items[i]
      if (ROLE_OF[w.kind] !== role) continue
      if (mine(w)) {
        if (best < 0 || w.priority > this.items[best].priority) best = i
      } else if (bestAway < 0 || w.priority > this.items[bestAway].priority) bestAway = i
    }
    const pick = best >= 0 ? best : bestAway
    if (pick < 0) return undefined
    return { work: this.items.splice(pick, 1)[0], away: best < 0 }
  }

  /** A piece of work is over: its key may be queued again. */
  release (w: Work): void {
    if (w.key !== undefined) this.keys.delete(w.key)
  }

  holds (key: string): boolean { return this.keys.has(key) }

  /** Waiting work matching `drop` leaves the queue (its key may be queued again); returns how many. */
  remove (drop: (w: Work) => boolean): number {
    const before = this.items.length
    this.items = this.items.filter((w) => {
      if (!drop(w)) return true
      if (w.key !== undefined) this.keys.delete(w.key)
      return false
    })
    return before - this.items.length
  }

  /** Waiting work with this key, to re-rank it in place. */
  find (key: string): Work | undefined {
    return this.items.find((w) => w.key === key)
  }

  get size (): number { return this.items.length }

  waiting (kind?: WorkKind): number {
    return kind === undefined ? this.items.length : this.items.filter((w) => w.kind === kind).length
  }
}

/**
 * A crew sized to the store: backroom staff from early morning, floor associates on two shifts,
 * each floor associate with their share of the department zones.
 */
export function crewFor (skus: number, zones: readonly string[]): Associate[] {
  const floorPerShift = Math.max(1, Math.min(zones.length, Math.ceil(skus / 700)))
  const backroom = Math.max(1, Math.ceil(skus / 2500))
  const crew: Associate[] = []
  const add = (id: string, role: Role, start: number, end: number, z: string[] | null): void => {
    crew.push({ id, role, zones: z, shiftStart: start * 60, shiftEnd: end * 60, busyUntil: 0, current: null, startedAt: 0 })
  }
  const share = (i: number): string[] => zones.filter((_, k) => k % floorPerShift === i)
  for (let i = 0; i < backroom; i++) add(`assoc-br-${i + 1}`, 'backroom', 6, 14, null)
  for (let i = 0; i < floorPerShift; i++) add(`assoc-am-${i + 1}`, 'floor', 7, 15, share(i))
  for (let i = 0; i < floorPerShift; i++) add(`assoc-pm-${i + 1}`, 'floor', 14, 22, share(i))
  return crew
}
