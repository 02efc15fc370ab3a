// Helpers for the order-proposal tests: a store server on the sim clock at 21:30 on a Tuesday, a
// year of steady weekly sales imported for its items, and the proposal, policy and audit routes as
// small functions.

import { startTestServer, type TestServer } from '../helpers/server.js'
import type { ApiError } from '../http/api.js'

type Tap = Parameters<typeof startTestServer>[0]

export const START = '2016-03-01T21:30:00Z'

/** Units per weekday, Monday first: a steady seller with a weekend peak. */
const WEEK: Record<string, number[]> = {
  FOODS_1_001: [10, 10, 12, 12, 14, 20, 18],
  FOODS_1_002: [3, 3, 4, 3, 4, 6, 6],
  DAIRY_1_001: [10, 9, 10, 11, 12, 16, 14]
}

/** `days` of history ending the day before `START`, the same every week. */
export function steadyHistory (days = 365): Array<{ sku: string, day: string, units: number }> {
  const end = Date.parse('2016-02-29T00:00:00Z')
  const out: Array<{ sku: string, day: string, units: number }> = []
  for (const [sku, week] of Object.entries(WEEK)) {
    for (let k = days - 1; k >= 0; k--) {
      const d = new Date(end - k * 86_400_000)
      out.push({ sku, day: d.toISOString().slice(0, 10), units: week[(d.getUTCDay() + 6) % 7] })
    }
  }
  return out
}

export async function orderServer (t: Tap, overrides: Record<string, unknown> = {}): Promise<TestServer> {
  const server = await startTestServer(t, { clockMode: 'sim', clockStart: START, riskModelPath: 'none', ...overrides })
  const res = await server.app.inject({ method: 'POST', url: '/api/v1/sales/history', payload: { sales: steadyHistory() } })
  if (res.statusCode !== 200) throw new Error(`history: ${res.body}`)
  return server
}

export type Reply = { status: number, body: Record<string, any> & ApiError }

export async function call (server: TestServer, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown): Promise<Reply> {
  const res = await server.app.inject({ method, url, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) })
  return { status: res.statusCode, body: res.json() }
}

export async function runProposals (server: TestServer): Promise<Record<string, any>> {
  const r = await call(server, 'POST', '/api/v1/order-proposals/run')
  if (r.status !== 200) throw new Error(`run: ${JSON.stringify(r.body)}`)
  return r.body
}

export async function proposalsOf (server: TestServer, query = ''): Promise<Array<Record<string, any>>> {
  const r = await call(server, 'GET', `/api/v1/order-proposals?${query}`)
  if (r.status !== 200) throw new Error(`list: ${JSON.stringify(r.body)}`)
  return r.body.proposals
}

export async function setPolicies (server: TestServer, yaml: string): Promise<void> {
  const r = await call(server, 'PUT', '/api/v1/policies', { yaml, by: 'hq-ops', reason: 'test policy' })
  if (r.status !== 201 && r.status !== 200) throw new Error(`policies: ${JSON.stringify(r.body)}`)
}

export async function auditOf (server: TestServer, subject: string): Promise<Array<Record<string, any>>> {
  const r = await call(server, 'GET', `/api/v1/audit?subject=${encodeURIComponent(subject)}&order=asc`)
  if (r.status !== 200) throw new Error(`audit: ${JSON.stringify(r.body)}`)
  return r.body.entries
}
