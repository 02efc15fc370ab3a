// Helpers for the phantom-inventory tests: a server on the sim clock at a fixed Tuesday afternoon
// (so the hour-of-week profile, and with it the sales expected in a silence, does not depend on when
// the tests run), a shelf with a day of hourly sales that then go silent, and the API reads.

import type { TestServer } from '../helpers/server.js'
import { basic, postEvents } from '../http/api.js'
import { startTaskServer } from './helpers.js'

type Tap = Parameters<typeof startTaskServer>[0]

/** A Tuesday, 16:00 UTC (= store time): the store's busy afternoon. */
export const START = '2026-03-10T16:00:00.000Z'
export const START_MS = Date.parse(START)

export interface PhantomHarness {
  server: TestServer
  post (events: unknown[]): Promise<void>
}

let n = 0

export async function phantomServer (t: Tap, overrides: Record<string, unknown> = {}): Promise<PhantomHarness> {
  const server = await startTaskServer(t, { clockStart: START, riskModelPath: 'none', ...overrides })
  const device = `pos-${++n}`
  const auth = basic(device, server.addDevice(device, 'handheld-scanner-app'))
  return {
    server,
    async post (events) {
      const { status, body } = await postEvents(server, auth, events)
      if (status !== 200 || body.rejected > 0) throw new Error(`POST /api/v1/events answered ${status}: ${JSON.stringify(body)}`)
    }
  }
}

/** An event `minAgo` minutes before `nowMs`, with a unique id. */
export function ev (type: string, fields: Record<string, unknown>, minAgo: number, nowMs: number): Record<string, unknown> {
  return { id: `ph-${process.pid}-${++n}`, type, occurredAt: new Date(nowMs - minAgo * 60_000).toISOString(), ...fields }
}

/**
 * The shelf is counted at `counted` units 31 hours before nowMs, then sells one unit an hour from
 * 30 hours ago until `silentH` hours ago, and nothing since: the record still says
 * counted - (31 - silentH) units.
 */
export function sellingThenSilent (sku: string, location: string, nowMs: number, silentH: number, counted = 40): Array<Record<string, unknown>> {
  const events = [ev('cycle_count', { sku, location, qty: counted }, 31 * 60, nowMs)]
  for (let h = 30; h >= silentH; h--) events.push(ev('sale', { sku, location, qty: 1 }, h * 60, nowMs))
  return events
}

export interface CountView { id: number, sku: string, location: string, state: string, value: number, laborMin: number, cancelReason: string | null, why: Record<string, any>, lineage: string[], result: Record<string, any> | null }

export async function counts (server: TestServer, query = ''): Promise<CountView[]> {
  const res = await server.app.inject({ url: `/api/v1/tasks?kind=count${query}` })
  if (res.statusCode !== 200) throw new Error(`GET /api/v1/tasks answered ${res.statusCode}: ${res.body}`)
  return res.json().tasks
}

export async function phantomView (server: TestServer, query = ''): Promise<Record<string, any>> {
  const res = await server.app.inject({ url: `/api/v1/phantom${query}` })
  if (res.statusCode !== 200) throw new Error(`GET /api/v1/phantom answered ${res.statusCode}: ${res.body}`)
  return res.json()
}

/** ERP-bound inventory adjustments in the outbox, oldest first. */
export function adjustments (server: TestServer): Array<{ eventId: string, sku: string, payload: Record<string, any> }> {
  const rows = server.db.prepare(`SELECT event_id, sku, payload FROM outbox WHERE type = 'inventory_adjustment' ORDER BY seq`).all() as Array<{ event_id: string, sku: string, payload: string }>
  return rows.map((r) => ({ eventId: r.event_id, sku: r.sku, payload: JSON.parse(r.payload) }))
}
