// The server's clock over HTTP. Anyone may read it; in clockMode "sim" the store simulator (an
// operator, behind the admin token) moves it forward, and the periodic work that falls due on the
// way (presence sweeps) runs at its simulated times before the reply.

import type { FastifyInstance } from 'fastify'
import { EdgeError, Errors } from '../../core/errors.js'
import { parseInstant } from '../../core/instant.js'
import { adminGuard } from '../auth.js'
import type { AppDeps } from '../deps.js'
import { clockSchema, errorResponses } from '../schemas.js'

const iso = (ms: number): string => new Date(ms).toISOString()

export async function clockRoutes (app: FastifyInstance, deps: AppDeps): Promise<void> {
  const admin = adminGuard(deps.config.adminToken)

  app.get('/api/v1/clock', {
    schema: {
      tags: ['operations'],
      summary: 'The server clock: system time, or the simulation clock (clockMode sim)',
      response: { 200: clockSchema }
    }
  }, async () => ({ mode: deps.clockMode, now: iso(deps.clock.now()) }))

  app.put('/api/v1/clock', {
    // Refused before the body is read: with the wrong token, or when there is no clock to set.
    onRequest: [admin, async () => {
      if (deps.advanceClock === null) throw new EdgeError(Errors.CLOCK_NOT_SIMULATED, 'the clock follows system time (clockMode "system"); start the server with clockMode "sim" to set it')
    }],
    schema: {
      tags: ['operations'],
      summary: 'Move the simulation clock forward (clockMode sim); the scheduled work due on the way runs first',
      description: 'Jobs due between the current time and `now` run in due-time order, the clock reading each one\'s due time; a job that missed several periods runs once. ' +
        'The reply comes after they ran and what they changed (device presence) is committed. `ran` counts the job runs. Requests are applied one at a time; ' +
        'a time before the clock is refused (EDGE_ERR_CLOCK_BACKWARDS), the same time runs nothing.',
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['now'],
        properties: { now: { type: 'string', format: 'date-time', maxLength: 64, description: 'ISO 8601 date-time with zone' } }
      },
      response: {
        200: { type: 'object', properties: { ...clockSchema.properties, ran: { type: 'integer' } } },
        ...errorResponses
      }
    }
  }, async (req) => {
    const { now } = req.body as { now: string }
    const ms = parseInstant(now)
    if (ms === null) throw new EdgeError(Errors.VALIDATION, `body/now ${JSON.stringify(now)} is not an ISO 8601 date-time with zone`)
    const { ran } = await deps.advanceClock!(ms)
    req.log.debug({ now: iso(ms), ran }, 'simulation clock moved')
    return { mode: deps.clockMode, now: iso(ms), ran }
  })
}
