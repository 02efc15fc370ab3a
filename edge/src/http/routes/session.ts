// Panel sign-in: a user name and password give a session cookie (HttpOnly, SameSite=Strict, Secure
// over HTTPS). GET tells who is signed in; DELETE signs out and ends the session's event streams.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { EdgeError, Errors } from '../../core/errors.js'
import { SESSION_COOKIE, cookie } from '../access.js'
import type { AppDeps } from '../deps.js'
import type { PanelContext } from '../panel/context.js'
import { errorResponses } from '../schemas.js'

const sessionSchema = {
  type: 'object',
  properties: {
    username: { type: 'string' },
    displayName: { type: 'string' },
    role: { type: 'string', enum: ['manager', 'viewer'] },
    createdAt: { type: 'string', format: 'date-time' },
    expiresAt: { type: 'string', format: 'date-time', description: 'when it ends unless used before (idle), at the latest sessionMaxHours after sign-in' }
  }
} as const

function setCookie (req: FastifyRequest, reply: FastifyReply, value: string, maxAgeS: number): void {
  const secure = req.protocol === 'https' ? '; Secure' : ''
  reply.header('set-cookie', `${SESSION_COOKIE}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${secure}`)
}

export async function sessionRoutes (app: FastifyInstance, deps: AppDeps, panel: PanelContext): Promise<void> {
  app.post('/api/v1/session', {
    config: { access: 'public' },
    schema: {
      tags: ['panel'],
      summary: 'Sign in to the panel: a session cookie for a user name and password',
      description: 'Five wrong passwords in a row lock the account for five minutes (429 EDGE_ERR_ACCOUNT_LOCKED).',
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['username', 'password'],
        properties: { username: { type: 'string', minLength: 1, maxLength: 64 }, password: { type: 'string', minLength: 1, maxLength: 200 } }
      },
      response: { 200: { type: 'object', properties: { session: sessionSchema } }, ...errorResponses }
    }
  }, async (req, reply) => {
    const { username, password } = req.body as { username: string, password: string }
    let account
    try {
      account = deps.accounts.verify(username.trim().toLowerCase(), password)
    } catch (err) {
      req.log.warn({ username, code: (err as EdgeError).code }, 'panel sign-in refused')
      throw err
    }
    const { token, session } = deps.sessions.create(account, req.headers['user-agent'] ?? null)
    setCookie(req, reply, token, deps.config.sessionMaxHours * 3600)
    req.log.info({ username: account.username, role: account.role }, 'panel sign-in')
    return { session }
  })

  app.get('/api/v1/session', {
    config: { access: 'public' },
    schema: { tags: ['panel'], summary: 'Who is signed in (401 EDGE_ERR_SIGN_IN_REQUIRED when nobody)', response: { 200: { type: 'object', properties: { session: sessionSchema, apiAuth: { type: 'string' } } }, ...errorResponses } }
  }, async (req) => {
    if (req.caller?.kind === 'session') return { session: req.caller.session, apiAuth: deps.config.apiAuth }
    throw new EdgeError(Errors.SIGN_IN_REQUIRED)
  })

  app.delete('/api/v1/session', {
    config: { access: 'public' },
    schema: { tags: ['panel'], summary: 'Sign out: the session ends now, and with it its open event streams', response: { 200: { type: 'object', properties: { signedOut: { type: 'boolean' } } }, ...errorResponses } }
  }, async (req, reply) => {
    const token = cookie(req, SESSION_COOKIE)
    if (token !== null && token !== '') {
      deps.sessions.end(token)
      panel.streams.endSession(token, 'signed_out')
    }
    setCookie(req, reply, '', 0)
    return { signedOut: true }
  })
}
