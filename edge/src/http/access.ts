// Who may call what (apiAuth 'sessions', the default): every /api route needs a caller unless it
// says otherwise in its route config (`config: { access }`):
//   'public'  - anyone (health, sign-in);
//   'device'  - the route checks device credentials itself (events, handheld routes);
//   'viewer'  - a signed-in account of any role, or the admin token (the default for GET/HEAD);
//   'manager' - a manager's session or the admin token (the default for everything else).
// A caller is a panel session (cookie) or an integration with the admin token (acts as a manager).
// With apiAuth 'open' the LAN is trusted and only the admin token, when configured, guards the
// operator routes (http/auth.ts adminGuard), as before accounts existed.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { timingSafeEqual } from 'node:crypto'
import { EdgeError, Errors } from '../core/errors.js'
import type { Session, Sessions } from '../store/sessions.js'

export type Access = 'public' | 'device' | 'viewer' | 'manager'

export type Caller = { kind: 'session', session: Session, token: string } | { kind: 'token' } | { kind: 'open' }

declare module 'fastify' {
  interface FastifyContextConfig { access?: Access }
  interface FastifyRequest { caller?: Caller }
}

export const SESSION_COOKIE = 'se_session'

/** The value of one cookie from the Cookie header, or null. */
export function cookie (req: FastifyRequest, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim())
  }
  return null
}

export function tokenMatches (header: string | undefined, token: string | null): boolean {
  if (token === null) return false
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '')
  const given = Buffer.from(m?.[1] ?? '')
  const want = Buffer.from(token)
  return given.length === want.length && timingSafeEqual(given, want)
}

export interface AccessOptions {
  mode: 'sessions' | 'open'
  adminToken: string | null
  sessions: Sessions
}

function callerOf (req: FastifyRequest, o: AccessOptions): Caller | null {
  if (tokenMatches(req.headers.authorization, o.adminToken)) return { kind: 'token' }
  const token = cookie(req, SESSION_COOKIE)
  if (token !== null && token !== '') {
    const session = o.sessions.resolve(token)
    if (session !== null) return { kind: 'session', session, token }
  }
  return null
}

/** A cross-site form or script must not act with the manager's cookie: a state change carrying an Origin must come from this host. */
function sameOrigin (req: FastifyRequest): boolean {
  const origin = req.headers.origin
  if (origin === undefined) return true
  try { return new URL(origin).host === req.headers.host } catch { return false }
}

export function installAccess (app: FastifyInstance, o: AccessOptions): void {
  app.addHook('onRequest', async (req: FastifyRequest, _reply: FastifyReply) => {
    if (!req.url.startsWith('/api/')) return // the panel's files, /metrics, /docs, /mqtt
    const access = req.routeOptions.config?.access
    // Device routes check their own credentials; skipping the session lookup keeps it off the
    // handhelds' hot path (POST /api/v1/events).
    if (access === 'device') return
    const caller = callerOf(req, o)
    if (caller !== null) req.caller = caller
    if (access === 'public') return
    const readOnly = req.method === 'GET' || req.method === 'HEAD'
    const need: Access = access ?? (readOnly ? 'viewer' : 'manager')
    if (caller === null) {
      if (o.mode === 'open') { req.caller = { kind: 'open' }; return }
      throw new EdgeError(Errors.SIGN_IN_REQUIRED)
    }
    if (caller.kind !== 'session') return
    if (!readOnly && !sameOrigin(req)) throw new EdgeError(Errors.FORBIDDEN, `a change from another site (${req.headers.origin ?? ''}) is not accepted`)
    if (need === 'manager' && caller.session.role !== 'manager') throw new EdgeError(Errors.ROLE_FORBIDDEN, `${caller.session.username} is a ${caller.session.role}: a manager may do this`)
  })
}

/** Who the audit log names for a request: the signed-in user, 'admin' for the admin token, 'lan' on an open LAN. */
export function actorOf (req: FastifyRequest): string {
  const c = req.caller
  if (c?.kind === 'session') return c.session.username
  if (c?.kind === 'token') return 'admin'
  return 'lan'
}
