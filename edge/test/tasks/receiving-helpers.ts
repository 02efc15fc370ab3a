// Helpers for the receiving and put-away tests: a store server on the sim clock scoring with the
// rules, a receiving scanner posting events, and the ASN routes as small functions.

import { startTestServer, type TestServer } from '../helpers/server.js'
import { basic, postEvents, type ApiError, type PostResult } from '../http/api.js'
import { nowMs } from './helpers.js'

type Tap = Parameters<typeof startTestServer>[0]

export interface Dock {
  server: TestServer
  /** The scanner's Basic credentials (pass them to a restarted server on the same data dir). */
  auth: string
  /** Posts canonical events as the receiving scanner; throws unless the answer is 200. */
  post (events: unknown[]): Promise<PostResult>
  /** A receipt at RCV naming `asn` (null = none), event time the server's now. */
  receipt (id: string, sku: string, qty: number, asn: string | null): Promise<Record<string, unknown>>
}

export async function dockServer (t: Tap, overrides: Record<string, unknown> = {}, opts: { dataDir?: string, keepData?: boolean, masterData?: boolean, auth?: string } = {}): Promise<Dock> {
  const server = await startTestServer(t, { clockMode: 'sim', riskModelPath: 'none', ...overrides }, opts)
  const auth = opts.auth ?? basic('rcv-scanner', server.addDevice('rcv-scanner', 'handheld-scanner-app'))
  const dock: Dock = {
    server,
    auth,
    async post (events) {
      const { status, body } = await postEvents(server, auth, events)
      if (status !== 200) throw new Error(`POST /api/v1/events answered ${status}: ${JSON.stringify(body)}`)
      return body
    },
    async receipt (id, sku, qty, asn) {
      return { id, type: 'receipt', sku, location: 'RCV', qty, occurredAt: new Date(await nowMs(server)).toISOString(), data: asn === null ? {} : { asn } }
    }
  }
  return dock
}

export async function postAsn (server: TestServer, body: unknown): Promise<{ status: number, body: Record<string, any> & ApiError }> {
  const res = await server.app.inject({ method: 'POST', url: '/api/v1/asns', payload: body as Record<string, unknown> })
  return { status: res.statusCode, body: res.json() }
}

export async function getAsn (server: TestServer, id: string): Promise<{ status: number, body: Record<string, any> & ApiError }> {
  const res = await server.app.inject({ url: `/api/v1/asns/${encodeURIComponent(id)}` })
  return { status: res.statusCode, body: res.json() }
}

export async function closeAsn (server: TestServer, id: string): Promise<{ status: number, body: Record<string, any> & ApiError }> {
  const res = await server.app.inject({ method: 'POST', url: `/api/v1/asns/${encodeURIComponent(id)}/close` })
  return { status: res.statusCode, body: res.json() }
}

export async function tasksOf (server: TestServer, query: string): Promise<Array<Record<string, any>>> {
  const res = await server.app.inject({ url: `/api/v1/tasks?${query}` })
  if (res.statusCode !== 200) throw new Error(`GET /api/v1/tasks answered ${res.statusCode}: ${res.body}`)
  return res.json().tasks
}
