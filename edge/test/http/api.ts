// Small helpers for the HTTP API tests: credentials, a posted batch, reading an item's positions.
// Each test starts its own server (edge/test/helpers/server.ts) and talks to it with inject().

import type { TestServer } from '../helpers/server.js'

export interface ApiError { error: { code: string, message: string, details?: unknown } }

export interface PostResult {
  accepted: number
  duplicates: number
  rejected: number
  results: Array<{ index: number, id: string | null, status: 'accepted' | 'duplicate' | 'rejected', seq?: number, error?: { code: string, message: string } }>
}

/** HTTP Basic credentials of a device: user = device id, password = its secret. */
export function basic (deviceId: string, secret: string): string {
  return 'Basic ' + Buffer.from(`${deviceId}:${secret}`).toString('base64')
}

/** Event time a few minutes ago, ISO 8601 UTC (within the accepted window, not in the future). */
export function minutesAgo (min: number, now = Date.now()): string {
  return new Date(now - min * 60_000).toISOString()
}

/** POSTs a batch of canonical events as a device and returns status and parsed body. */
export async function postEvents (server: TestServer, auth: string, events: unknown[]): Promise<{ status: number, body: PostResult & ApiError }> {
  const res = await server.app.inject({ method: 'POST', url: '/api/v1/events', headers: { authorization: auth }, payload: { events } })
  return { status: res.statusCode, body: res.json() }
}

/** On-hand per location of a SKU, as the API reports it: {location: onHand}. */
export async function onHandOf (server: TestServer, sku: string): Promise<Record<string, number>> {
  const res = await server.app.inject({ url: `/api/v1/items/${sku}` })
  const body = res.json() as { positions: Array<{ location: string, onHand: number }> }
  return Object.fromEntries(body.positions.map((p) => [p.location, p.onHand]))
}

/** In transit to the shelf per location of a SKU: {location: inTransit}, zero entries left out. */
export async function inTransitOf (server: TestServer, sku: string): Promise<Record<string, number>> {
  const res = await server.app.inject({ url: `/api/v1/items/${sku}` })
  const body = res.json() as { positions: Array<{ location: string, inTransit: number }> }
  return Object.fromEntries(body.positions.filter((p) => p.inTransit !== 0).map((p) => [p.location, p.inTransit]))
}
