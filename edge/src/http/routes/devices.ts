import type { FastifyInstance } from 'fastify'
import { EdgeError, Errors } from '../../core/errors.js'
import type { Device } from '../../store/devices.js'
import { adminGuard } from '../auth.js'
import type { AppDeps } from '../deps.js'
import { deviceSchema, errorResponses } from '../schemas.js'

export async function deviceRoutes (app: FastifyInstance, deps: AppDeps): Promise<void> {
  const admin = adminGuard(deps.config.adminToken)
  // The registry's status is written on changes; presence in memory is the live truth.
  const live = (d: Device): Device & { battery: { pct: number, at: string } | null } => d.status === 'revoked'
    ? { ...d, battery: null }
    : { ...d, status: deps.presence.isOnline(d.id) ? 'online' : (d.lastSeenAt ? 'offline' : 'never_seen'), battery: deps.presence.batteryOf(d.id) }

  app.get('/api/v1/devices', {
    schema: {
      tags: ['devices'],
      summary: 'Registered devices with their live status',
      querystring: { type: 'object', additionalProperties: false, properties: { status: { type: 'string', enum: ['never_seen', 'online', 'offline', 'revoked'] } } },
      response: { 200: { type: 'object', properties: { devices: { type: 'array', items: deviceSchema } } }, ...errorResponses }
    }
  }, async (req) => {
    const { status } = req.query as { status?: string }
    const devices = deps.registry.list().map(live).filter((d) => status === undefined || d.status === status)
    return { devices }
  })

  app.get('/api/v1/devices/:id', {
    schema: {
      tags: ['devices'],
      params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
      response: { 200: deviceSchema, ...errorResponses }
    }
  }, async (req) => {
    const { id } = req.params as { id: string }
    const d = deps.registry.get(id)
    if (!d) throw new EdgeError(Errors.DEVICE_UNKNOWN, `device "${id}" is not registered`)
    return live(d)
  })

  app.post('/api/v1/devices', {
    onRequest: admin, // before the body is read
    schema: {
      tags: ['devices'],
      summary: 'Register a device; the secret is returned once and never again',
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'profileId'],
        properties: {
          id: { type: 'string', minLength: 1, maxLength: 64 },
          profileId: { type: 'string', minLength: 1 },
          name: { type: 'string', maxLength: 200 }
        }
      },
      response: {
        201: { type: 'object', properties: { device: deviceSchema, secret: { type: 'string' } } },
        ...errorResponses
      }
    }
  }, async (req, reply) => {
    const body = req.body as { id: string, profileId: string, name?: string }
    if (!deps.profiles.get(body.profileId)) {
      throw new EdgeError(Errors.PROFILE_UNKNOWN, `profile "${body.profileId}" is not loaded; see GET /api/v1/device-profiles`)
    }
    const { device, secret } = deps.registry.add(body.id, body.profileId, body.name ?? null)
    req.log.info({ deviceId: device.id, profileId: device.profileId }, 'device registered')
    reply.status(201)
    return { device, secret }
  })

  app.delete('/api/v1/devices/:id', {
    onRequest: admin, // before the body is read
    schema: {
      tags: ['devices'],
      summary: 'Revoke a device: its secret stops working and a live session is closed',
      params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
      response: { 200: deviceSchema, ...errorResponses }
    }
  }, async (req) => {
    const { id } = req.params as { id: string }
    const device = deps.registry.revoke(id)
    deps.disconnectDevice(id)
    deps.presence.offline(id, 'revoked')
    req.log.warn({ deviceId: id }, 'device revoked')
    return device
  })

  app.get('/api/v1/device-profiles', {
    schema: {
      tags: ['devices'],
      summary: 'Loaded device profiles',
      response: {
        200: {
          type: 'object',
          properties: {
            profiles: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  id: { type: 'string' },
                  identity: { type: 'object', additionalProperties: true },
                  kind: { type: 'string' },
                  transport: { type: 'string' },
                  heartbeatS: { type: 'number' },
                  streams: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, payload: { type: 'string' }, description: { type: 'string' } } } }
                }
              }
            }
          }
        }
      }
    }
  }, async () => ({ profiles: deps.profiles.list() }))

  app.get('/api/v1/device-profiles/:id', {
    schema: {
      tags: ['devices'],
      summary: 'One profile in full',
      params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
      // The whole profile file as loaded: its shape is the profile schema in device-profiles/.
      response: { 200: { type: 'object', required: ['id'], properties: { id: { type: 'string' } }, additionalProperties: true }, ...errorResponses }
    }
  }, async (req) => {
    const { id } = req.params as { id: string }
    const p = deps.profiles.get(id)
    if (!p) throw new EdgeError(Errors.NOT_FOUND, `profile "${id}" is not loaded`)
    const { file: _file, ...profile } = p
    return profile
  })
}
