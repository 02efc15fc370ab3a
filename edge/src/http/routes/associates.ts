// Associates: entered by an operator (admin), and their sign-in on a handheld (badge + PIN ->
// a token for that device).

import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AssociateInput } from '../../store/associates.js'
import type { Device } from '../../store/devices.js'
import { adminGuard, deviceFromRequest } from '../auth.js'
import type { AppDeps } from '../deps.js'
import { errorResponses } from '../schemas.js'

export const associateSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    badge: { type: 'string' },
    zones: { type: 'array', items: { type: 'string' } },
    skills: { type: 'array', items: { type: 'string' } },
    shiftStart: { type: ['integer', 'null'] },
    shiftEnd: { type: ['integer', 'null'] },
    active: { type: 'boolean' }
  }
} as const

const minuteOfDay = { type: ['integer', 'null'], minimum: 0, maximum: 1439, description: 'minutes after midnight UTC' } as const

export async function associateRoutes (app: FastifyInstance, deps: AppDeps): Promise<void> {
  const admin = adminGuard(deps.config.adminToken)
  const senders = new WeakMap<FastifyRequest, Device>()

  app.get('/api/v1/associates', {
    schema: {
      tags: ['tasks'],
      summary: 'Associates (who may be given a task), by name',
      response: { 200: { type: 'object', properties: { associates: { type: 'array', items: associateSchema } } }, ...errorResponses }
    }
  }, async () => ({ associates: deps.associates.list() }))

  app.post('/api/v1/associates', {
    onRequest: admin,
    schema: {
      tags: ['tasks'],
      summary: 'Create or update an associate (admin); the PIN is kept only as a salted scrypt hash',
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'name', 'badge'],
        properties: {
          id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' },
          name: { type: 'string', minLength: 1, maxLength: 200 },
          badge: { type: 'string', minLength: 1, maxLength: 64 },
          pin: { type: 'string', pattern: '^[0-9]{4,12}$', description: '4-12 digits; required for a new associate' },
          zones: { type: 'array', maxItems: 100, items: { type: 'string', minLength: 1 } },
          skills: { type: 'array', maxItems: 4, items: { type: 'string', enum: ['fill', 'putaway', 'count', 'review'] } },
          shiftStart: minuteOfDay,
          shiftEnd: minuteOfDay,
          active: { type: 'boolean' }
        }
      },
      response: { 200: { type: 'object', properties: { associate: associateSchema, created: { type: 'boolean' } } }, ...errorResponses }
    }
  }, async (req) => deps.associates.upsert(req.body as AssociateInput))

  app.post('/api/v1/handheld/sign-in', {
    config: { access: 'device' },
    onRequest: async (req) => { senders.set(req, deviceFromRequest(req, deps.registry)) },
    schema: {
      tags: ['tasks'],
      summary: 'Sign an associate in on this handheld (device HTTP Basic + badge and PIN)',
      description: 'Answers a token for the header x-associate-token, valid on this device only until expiresAt (config associateTokenTtlMin).',
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['badge', 'pin'],
        properties: { badge: { type: 'string', minLength: 1, maxLength: 64 }, pin: { type: 'string', minLength: 1, maxLength: 64 } }
      },
      response: {
        200: { type: 'object', properties: { token: { type: 'string' }, associate: associateSchema, expiresAt: { type: 'string', format: 'date-time' } } },
        ...errorResponses
      }
    }
  }, async (req) => {
    const { badge, pin } = req.body as { badge: string, pin: string }
    const device = senders.get(req)!
    const signed = deps.associates.signIn(badge, pin, device.id, deps.config.associateTokenTtlMin)
    req.log.info({ associateId: signed.associate.id, deviceId: device.id }, 'associate signed in')
    return signed
  })
}
