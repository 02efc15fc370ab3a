// How a handheld acts for an associate: the device authenticates as itself (HTTP Basic, device id
// and secret, as for POST /api/v1/events) and names the signed-in associate with the header
// `x-associate-token: <token from POST /api/v1/handheld/sign-in>`. The token is bound to the device
// it was issued on, so a token copied to another device is refused.

import type { FastifyRequest } from 'fastify'
import { EdgeError, Errors } from '../core/errors.js'
import type { Associate } from '../store/associates.js'
import type { Device } from '../store/devices.js'
import { deviceFromRequest } from './auth.js'
import type { AppDeps } from './deps.js'

export const ASSOCIATE_TOKEN_HEADER = 'x-associate-token'

export interface Handheld {
  device: Device
  associate: Associate
}

export function handheldFromRequest (req: FastifyRequest, deps: AppDeps): Handheld {
  const device = deviceFromRequest(req, deps.registry)
  const token = req.headers[ASSOCIATE_TOKEN_HEADER]
  if (typeof token !== 'string' || token === '') throw new EdgeError(Errors.TOKEN_MISSING)
  return { device, associate: deps.associates.fromToken(token, device.id) }
}
