// Device credentials and the operator routes' guard. Handhelds and integrations post events as a
// registered device (HTTP Basic, user = device id, password = the device secret). Who else may call
// what (panel sessions, roles, the admin token) is http/access.ts.

import type { FastifyReply, FastifyRequest } from 'fastify'
import { EdgeError, Errors } from '../core/errors.js'
import type { Device, DeviceRegistry } from '../store/devices.js'
import { tokenMatches } from './access.js'

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

/**
 * Operator routes. A caller the access hook (http/access.ts) has let through as a session or the
 * admin token passes (its role was checked there); with apiAuth 'open' the admin token, when one is
 * configured, is what guards these routes.
 */
export function adminGuard (token: string | null) {
  return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    if (req.caller !== undefined && req.caller.kind !== 'open') return
    if (token === null) return
    if (!tokenMatches(req.headers.authorization, token)) {
      throw new EdgeError(Errors.UNAUTHORIZED, 'this route needs the admin token: Authorization: Bearer <token>')
    }
  }
}
