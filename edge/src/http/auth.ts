// Who may call what. Handhelds and integrations post events as a registered device (HTTP Basic,
// user = device id, password = the device secret). Operator routes need the admin token when one
// is configured; without one the LAN is trusted, as on most store appliances.

import type { FastifyReply, FastifyRequest } from 'fastify'
import { timingSafeEqual } from 'node:crypto'
import { EdgeError, Errors } from '../core/errors.js'
import type { Device, DeviceRegistry } from '../store/devices.js'

export function deviceFromRequest (req: FastifyRequest, registry: DeviceRegistry): Device {
  const header = req.headers.authorization ?? ''
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header)
  if (!m) throw new EdgeError(Errors.UNAUTHORIZED, 'send the device id and secret as HTTP Basic credentials')
  const decoded = Buffer.from(m[1], 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 1) throw new EdgeError(Errors.UNAUTHORIZED, 'malformed Basic credentials')
  const id = decoded.slice(0, colon)
  const v = registry.verify(id, decoded.slice(colon + 1))
  if (!v.ok) {
    if (v.reason === 'revoked') throw new EdgeError(Errors.DEVICE_REVOKED, `device "${id}" has been revoked`)
    throw new EdgeError(Errors.UNAUTHORIZED, 'unknown device or wrong secret')
  }
  return v.device
}

export function adminGuard (token: string | null) {
  return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    if (token === null) return
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')
    const given = Buffer.from(m?.[1] ?? '')
    const want = Buffer.from(token)
    if (given.length !== want.length || !timingSafeEqual(given, want)) {
      throw new EdgeError(Errors.UNAUTHORIZED, 'this route needs the admin token: Authorization: Bearer <token>')
    }
  }
}
