// Panel accounts, managed by a manager (or the admin token): list, create or update (role,
// password, active), remove. The store always keeps one active manager. A change that ends an
// account's sessions ends their open event streams at once too.

import type { FastifyInstance } from 'fastify'
import { PASSWORD_MIN, type AccountInput } from '../../store/accounts.js'
import type { AppDeps } from '../deps.js'
import type { PanelContext } from '../panel/context.js'
import { errorResponses } from '../schemas.js'

const accountSchema = {
  type: 'object',
  properties: {
    username: { type: 'string' },
    displayName: { type: 'string' },
    role: { type: 'string', enum: ['manager', 'viewer'] },
    active: { type: 'boolean' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' }
  }
} as const

export async function accountRoutes (app: FastifyInstance, deps: AppDeps, panel: PanelContext): Promise<void> {
  app.get('/api/v1/accounts', {
    config: { access: 'manager' },
    schema: { tags: ['panel'], summary: 'Panel accounts (manager)', response: { 200: { type: 'object', properties: { accounts: { type: 'array', items: accountSchema } } }, ...errorResponses } }
  }, async () => ({ accounts: deps.accounts.list() }))

  app.post('/api/v1/accounts', {
    config: { access: 'manager' },
    schema: {
      tags: ['panel'],
      summary: 'Create or update a panel account (manager); a new password, role change or deactivation ends its sessions and their event streams',
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['username', 'role'],
        properties: {
          username: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{1,31}$' },
          displayName: { type: 'string', minLength: 1, maxLength: 100 },
          role: { type: 'string', enum: ['manager', 'viewer'] },
          password: { type: 'string', minLength: PASSWORD_MIN, maxLength: 200, description: `${PASSWORD_MIN}+ characters; required for a new account` },
          active: { type: 'boolean' }
        }
      },
      response: { 200: { type: 'object', properties: { account: accountSchema, created: { type: 'boolean' } } }, ...errorResponses }
    }
  }, async (req) => {
    const r = deps.accounts.upsert(req.body as AccountInput)
    // Which changes end sessions is the store's rule (store/accounts.ts); the check asks the sessions themselves.
    panel.streams.accountChanged(r.account.username)
    req.log.info({ username: r.account.username, role: r.account.role, created: r.created, by: req.caller?.kind === 'session' ? req.caller.session.username : req.caller?.kind }, 'panel account saved')
    return r
  })

  app.delete('/api/v1/accounts/:username', {
    config: { access: 'manager' },
    schema: { tags: ['panel'], summary: 'Remove a panel account (manager; not the last active manager); its sessions and their event streams end', params: { type: 'object', properties: { username: { type: 'string' } } }, response: { 200: { type: 'object', properties: { removed: { type: 'string' } } }, ...errorResponses } }
  }, async (req) => {
    const { username } = req.params as { username: string }
    deps.accounts.remove(username)
    panel.streams.accountChanged(username)
    return { removed: username }
  })
}
