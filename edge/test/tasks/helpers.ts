// Helpers for the task tests: a server on the simulation clock (so tests move time), a handheld
// with a signed-in associate, and the task routes as small functions.

import { startTestServer, type TestServer } from '../helpers/server.js'
import { basic, type ApiError } from '../http/api.js'

type Tap = Parameters<typeof startTestServer>[0]

export interface Hand {
  device: string
  auth: string
  token: string
  associate: string
}

export interface ActionAnswer {
  accepted: number
  duplicates: number
  conflicts: number
  rejected: number
  results: Array<{ index: number, actionId: string, taskId: number, status: string, task?: { id: number, state: string, version: number, assignee: string | null }, raised?: number[], error?: { code: string, message: string, details?: Record<string, unknown> }, first?: { status: string } }>
}

/** A store server on the sim clock, started at the system time. */
export function startTaskServer (t: Tap, overrides: Record<string, unknown> = {}): Promise<TestServer> {
  return startTestServer(t, { clockMode: 'sim', ...overrides })
}

export async function nowMs (server: TestServer): Promise<number> {
  return Date.parse((await server.app.inject({ url: '/api/v1/clock' })).json().now)
}

/** Moves the sim clock forward by `min` minutes, running the jobs due on the way. */
export async function advance (server: TestServer, min: number): Promise<void> {
  const now = await nowMs(server)
  const res = await server.app.inject({ method: 'PUT', url: '/api/v1/clock', payload: { now: new Date(now + min * 60_000).toISOString() } })
  if (res.statusCode !== 200) throw new Error(`clock: ${res.body}`)
}

export async function addAssociate (server: TestServer, body: Record<string, unknown>): Promise<{ status: number, body: { associate: { id: string }, created: boolean } & ApiError }> {
  const res = await server.app.inject({ method: 'POST', url: '/api/v1/associates', payload: body })
  return { status: res.statusCode, body: res.json() }
}

export async function signIn (server: TestServer, auth: string, badge: string, pin: string): Promise<{ status: number, body: { token: string, expiresAt: string, associate: { id: string } } & ApiError }> {
  const res = await server.app.inject({ method: 'POST', url: '/api/v1/handheld/sign-in', headers: { authorization: auth }, payload: { badge, pin } })
  return { status: res.statusCode, body: res.json() }
}

/** Registers handheld `device`, creates associate `id` (badge B-<id>, PIN 1234) and signs them in on it. */
export async function handheld (server: TestServer, device: string, id: string, extra: Record<string, unknown> = {}): Promise<Hand> {
  const auth = basic(device, server.addDevice(device, 'handheld-scanner-app'))
  const made = await addAssociate(server, { id, name: `Associate ${id}`, badge: `B-${id}`, pin: '1234', ...extra })
  if (made.status !== 200) throw new Error(`associate: ${JSON.stringify(made.body)}`)
  const s = await signIn(server, auth, `B-${id}`, '1234')
  if (s.status !== 200) throw new Error(`sign-in: ${JSON.stringify(s.body)}`)
  return { device, auth, token: s.body.token, associate: id }
}

export async function createTask (server: TestServer, body: Record<string, unknown>): Promise<{ status: number, body: { task: { id: number, qty: number, version: number, state: string, why: Record<string, unknown> }, created: boolean } & ApiError }> {
  const res = await server.app.inject({ method: 'POST', url: '/api/v1/tasks', payload: body })
  return { status: res.statusCode, body: res.json() }
}

/** Creates a task and returns its id; says what the server answered when there is none (a one-off failure under CI load left no trace). */
export async function createTaskId (server: TestServer, body: Record<string, unknown>): Promise<number> {
  const made = await createTask(server, body)
  if (made.body.task === undefined) throw new Error(`POST /api/v1/tasks answered ${made.status}: ${JSON.stringify(made.body)}`)
  return made.body.task.id
}

export const FILL = { kind: 'fill', sku: 'FOODS_1_001', location: 'A01-1', fromLocation: 'BR-01', qty: 12, value: 2.5, laborMin: 6, why: { rule: 'test' } }

export async function act (server: TestServer, hand: Hand, actions: unknown[]): Promise<{ status: number, body: ActionAnswer & ApiError }> {
  const res = await server.app.inject({ method: 'POST', url: '/api/v1/handheld/actions', headers: { authorization: hand.auth, 'x-associate-token': hand.token }, payload: { actions } })
  return { status: res.statusCode, body: res.json() }
}

export async function myTasks (server: TestServer, hand: Hand): Promise<{ status: number, body: { tasks: Array<{ id: number, kind: string, value: number }>, mine: Array<{ id: number }> } & ApiError }> {
  const res = await server.app.inject({ url: '/api/v1/handheld/tasks', headers: { authorization: hand.auth, 'x-associate-token': hand.token } })
  return { status: res.statusCode, body: res.json() }
}

export async function getTask (server: TestServer, id: number): Promise<{ status: number, body: Record<string, any> & ApiError }> {
  const res = await server.app.inject({ url: `/api/v1/tasks/${id}` })
  return { status: res.statusCode, body: res.json() }
}

/** ISO time `min` minutes before `ms`. */
export const before = (ms: number, min: number): string => new Date(ms - min * 60_000).toISOString()
