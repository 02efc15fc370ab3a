// The store server's HTTP API as the simulator uses it: the operator's calls (admin bearer
// token), a handheld's event posts (HTTP Basic as the device), the clock and the inventory.
// Every non-2xx answer throws, naming the call and the server's stable error code.

export interface DeviceCredentials { id: string, secret: string }

/** One SKU's record on the server, summed over its locations by location kind. */
export interface SkuRecord {
  shelf: number
  backroom: number
  receiving: number
  inTransit: number
  /** On hand per location id. */
  byLocation: Map<string, number>
}

export interface Rejection { id: string | null, code: string, message: string }

export interface PostResult {
  accepted: number
  duplicates: number
  rejected: number
  rejections: Rejection[]
}

export interface DeadLetter {
  id: number
  deviceId: string | null
  reason: string
  detail: string | null
  [field: string]: unknown
}

/** Events per POST /api/v1/events at most (MAX_BATCH in edge/src/http/routes/events.ts). */
export const MAX_EVENTS_PER_POST = 1000
const INVENTORY_PAGE = 10_000 // positions per page, the route's maximum
const DEAD_LETTER_PAGE = 5_000 // rows per page, the route's maximum
const PROPOSAL_PAGE = 500 // proposals per page

/** Thrown for a non-2xx answer; `code` is the server's stable code (EDGE_ERR_*). */
export class ApiError extends Error {
  constructor (readonly method: string, readonly path: string, readonly status: number, readonly code: string | null, readonly serverMessage: string, readonly details?: unknown) {
    super(`${method} ${path}: ${status}${code ? ` ${code}` : ''}: ${serverMessage}`)
    this.name = 'ApiError'
  }
}

export class StoreApi {
  private readonly baseUrl: string
  private readonly adminToken: string

  constructor (opts: { baseUrl: string, adminToken: string }) {
    this.baseUrl = opts.baseUrl.replace(/\/$/, '')
    this.adminToken = opts.adminToken
  }

  /** The server's clock: its mode ('system' or 'sim') and now, ms since the epoch. */
  async clock (): Promise<{ mode: string, now: number }> {
    const r = await this.call<{ mode: string, now: string }>('GET', '/api/v1/clock')
    return { mode: r.mode, now: Date.parse(r.now) }
  }

  /** Moves a simulated server clock forward; resolves after the work due in between has run. */
  async setClock (ms: number): Promise<void> {
    await this.call('PUT', '/api/v1/clock', { body: { now: new Date(ms).toISOString() } })
  }

  /** Items, locations and on-hand in one all-or-nothing import; a refusal lists every problem. */
  async importMasterData (body: { items?: object[], locations?: object[], onHand?: object[] }): Promise<void> {
    try {
      await this.call('POST', '/api/v1/items/import', { body })
    } catch (err) {
      const problems = (err as ApiError).details as { problems?: Array<{ section: string, row: number, field?: string, message: string }> } | undefined
      // The server's message names the first three; a simulation's generated data needs them all.
      if (!(err instanceof ApiError) || (problems?.problems?.length ?? 0) <= 3) throw err
      const list = problems!.problems!.map((p) => `${p.section} row ${p.row}${p.field ? ` ${p.field}` : ''}: ${p.message}`)
      throw new ApiError(err.method, err.path, err.status, err.code, `${err.serverMessage}\n  ${list.join('\n  ')}`, err.details)
    }
  }

  /** Registers a device with a profile; the secret is only ever returned here. */
  async registerDevice (id: string, profile: string): Promise<DeviceCredentials> {
    const r = await this.call<{ secret: string }>('POST', '/api/v1/devices', { body: { id, profileId: profile } })
    return { id, secret: r.secret }
  }

  /** Posts canonical events as the device, in order, in batches the server accepts. */
  async postEvents (device: DeviceCredentials, events: object[]): Promise<PostResult> {
    const total: PostResult = { accepted: 0, duplicates: 0, rejected: 0, rejections: [] }
    const basic = basicOf(device)
    for (let i = 0; i < events.length; i += MAX_EVENTS_PER_POST) {
      const r = await this.call<{ accepted: number, duplicates: number, rejected: number, results: Array<{ id: string | null, status: string, error?: { code: string, message: string } }> }>(
        'POST', '/api/v1/events', { authorization: basic, body: { events: events.slice(i, i + MAX_EVENTS_PER_POST) } })
      total.accepted += r.accepted
      total.duplicates += r.duplicates
      total.rejected += r.rejected
      for (const res of r.results) {
        if (res.status === 'rejected') total.rejections.push({ id: res.id, code: res.error?.code ?? 'unknown', message: res.error?.message ?? '' })
      }
    }
    return total
  }

  /** An associate on the server (admin): who may sign in on a handheld, with their zones and shift. */
  async addAssociate (a: { id: string, name: string, badge: string, pin: string, zones?: string[], shiftStart?: number, shiftEnd?: number }): Promise<void> {
    await this.call('POST', '/api/v1/associates', { body: a })
  }

  /** Signs an associate in on a handheld: the token its task actions carry. */
  async signIn (device: DeviceCredentials, badge: string, pin: string): Promise<{ token: string, expiresAt: number }> {
    const r = await this.call<{ token: string, expiresAt: string }>('POST', '/api/v1/handheld/sign-in', { authorization: basicOf(device), body: { badge, pin } })
    return { token: r.token, expiresAt: Date.parse(r.expiresAt) }
  }

  /** Task actions done on a handheld (claim, start, complete, release), each answered on its own. */
  async postActions (device: DeviceCredentials, token: string, actions: object[]): Promise<ActionAnswer[]> {
    const r = await this.call<{ results: ActionAnswer[] }>('POST', '/api/v1/handheld/actions', { authorization: basicOf(device), headers: { 'x-associate-token': token }, body: { actions } })
    return r.results
  }

  /** Open tasks, best first, as the store's task board lists them. */
  async openTasks (limit: number): Promise<ServerTask[]> {
    const r = await this.call<{ tasks: ServerTask[] }>('GET', `/api/v1/tasks?state=open&limit=${limit}`)
    return r.tasks
  }

  /** The supplier's advance ship notice, posted when the delivery is announced. */
  async postAsn (asn: { id: string, supplier?: string, lines: Array<{ sku: string, qty: number, cases?: number }> }): Promise<void> {
    await this.call('POST', '/api/v1/asns', { body: asn })
  }

  /** Onboarding: the store's sales history, day calendar and promotions (upserted; at most 100,000 sales rows a call). */
  async postSalesHistory (body: { sales?: object[], days?: object[], promotions?: object[] }): Promise<{ sales: number, days: number, promotions: number }> {
    return await this.call('POST', '/api/v1/sales/history', { body })
  }

  /** Makes (or refreshes) today's order proposals for the SKUs due. */
  async runOrderProposals (): Promise<unknown> {
    return await this.call('POST', '/api/v1/order-proposals/run', { body: {} })
  }

  /** Order proposals in a state (every page), optionally of one order day. */
  async orderProposals (filter: { state: OrderProposal['state'], orderDay?: string }): Promise<OrderProposal[]> {
    const out: OrderProposal[] = []
    let cursor: string | null = null
    do {
      const q = new URLSearchParams({ state: filter.state, limit: String(PROPOSAL_PAGE), ...(filter.orderDay ? { orderDay: filter.orderDay } : {}), ...(cursor !== null ? { cursor } : {}) })
      const page: { proposals: OrderProposal[], next: string | null } = await this.call('GET', `/api/v1/order-proposals?${q.toString()}`)
      out.push(...page.proposals)
      cursor = page.next
    } while (cursor !== null)
    return out
  }

  /** A manager's decision on a pending proposal: approve, modify (qty in units) or reject, with who and why. */
  async decideOrderProposal (id: number | string, action: 'approve' | 'modify' | 'reject', body: { by: string, reason?: string, qty?: number }): Promise<OrderProposal> {
    return await this.call('POST', `/api/v1/order-proposals/${encodeURIComponent(String(id))}/${action}`, { body })
  }

  /** Creates (or updates) a panel account: what a manager does for a new colleague. */
  async saveAccount (account: { username: string, role: 'manager' | 'viewer', password: string, displayName?: string }): Promise<{ created: boolean }> {
    return await this.call('POST', '/api/v1/accounts', { body: account })
  }

  /** Any JSON read of the API (KPIs, phantom precision), as the manager. */
  async get<T> (path: string): Promise<T> {
    return await this.call<T>('GET', path)
  }

  /** The whole perpetual inventory, every page, summed per SKU. */
  async inventory (): Promise<Map<string, SkuRecord>> {
    const out = new Map<string, SkuRecord>()
    let after: string | null = null
    do {
      const query: string = `?limit=${INVENTORY_PAGE}` + (after === null ? '' : `&after=${encodeURIComponent(after)}`)
      const page: InventoryPage = await this.call<InventoryPage>('GET', '/api/v1/inventory' + query)
      for (const p of page.positions) {
        let rec = out.get(p.sku)
        if (!rec) out.set(p.sku, rec = { shelf: 0, backroom: 0, receiving: 0, inTransit: 0, byLocation: new Map() })
        if (p.kind === 'shelf' || p.kind === 'backroom' || p.kind === 'receiving') rec[p.kind] += p.onHand
        rec.inTransit += p.inTransit
        rec.byLocation.set(p.location, (rec.byLocation.get(p.location) ?? 0) + p.onHand)
      }
      after = page.next
    } while (after !== null)
    return out
  }

  /** Every dead letter (bad input the server kept with its reason), oldest first. */
  async deadLetters (filter: { reason?: string, deviceId?: string } = {}): Promise<DeadLetter[]> {
    const out: DeadLetter[] = []
    let afterId = 0
    for (;;) {
      const q = new URLSearchParams({ limit: String(DEAD_LETTER_PAGE), afterId: String(afterId), ...filter })
      const page = await this.call<{ deadLetters: DeadLetter[] }>('GET', `/api/v1/dead-letters?${q.toString()}`)
      out.push(...page.deadLetters)
      if (page.deadLetters.length < DEAD_LETTER_PAGE) return out
      afterId = page.deadLetters[page.deadLetters.length - 1].id
    }
  }

  private async call<T = unknown> (method: string, path: string, opts: { authorization?: string, headers?: Record<string, string>, body?: unknown } = {}): Promise<T> {
    const headers: Record<string, string> = { ...opts.headers }
    // The server protects every API route (apiAuth 'sessions'): what is not a device's call goes
    // with the admin token, as an integration would.
    headers.authorization = opts.authorization ?? `Bearer ${this.adminToken}`
    if (opts.body !== undefined) headers['content-type'] = 'application/json'
    const bare = path.split('?')[0]
    let res: Response
    let text: string
    try {
      res = await fetch(this.baseUrl + path, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) })
      text = await res.text()
    } catch (err) {
      // undici says only "fetch failed"; the reason (ECONNREFUSED: the server is gone) is the cause.
      const cause = (err as { cause?: { code?: string, message?: string } }).cause
      throw new Error(`${method} ${bare}: no answer from ${this.baseUrl}: ${cause?.code ?? cause?.message ?? (err as Error).message}`, { cause: err })
    }
    let json: unknown
    try {
      json = text === '' ? undefined : JSON.parse(text)
    } catch {
      json = undefined
    }
    if (!res.ok) {
      const e = (json as { error?: { code?: string, message?: string, details?: unknown } } | undefined)?.error
      throw new ApiError(method, bare, res.status, e?.code ?? null, e?.message ?? (text.slice(0, 500) || res.statusText), e?.details)
    }
    return json as T
  }
}

const basicOf = (device: DeviceCredentials): string => 'Basic ' + Buffer.from(`${device.id}:${device.secret}`).toString('base64')

/** A task as the server lists it (the fields the simulator reads). */
export interface ServerTask {
  id: number
  kind: 'fill' | 'putaway' | 'count' | 'review'
  sku: string
  location: string
  fromLocation: string | null
  qty: number | null
  value: number
  deadline: string | null
  state: string
  version: number
}

/** The server's answer to one task action. */
export interface ActionAnswer {
  index: number
  taskId: number
  status: 'accepted' | 'duplicate' | 'conflict' | 'rejected'
  raised?: number[]
  error?: { code: string, message: string }
}

interface InventoryPage {
  positions: Array<{ sku: string, location: string, kind: string | null, onHand: number, inTransit: number, reserved: number }>
  next: string | null
}

/** An order proposal as the server lists it (the fields the simulator reads). Quantities are units. */
export interface OrderProposal {
  id: number | string
  sku: string
  orderDay: string
  state: 'pending' | 'approved' | 'rejected' | 'expired'
  qty: number
  cases: number
  casePack: number
  minMax: { min: number, max: number, qty: number }
  confidence: number
  fallback: boolean
  decision: { mode: 'auto' | 'manager', by: string, at: string, reason: string | null, qty: number | null } | null
  reasoning: unknown
}
