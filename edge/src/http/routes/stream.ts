// GET /api/v1/stream: the panel's live updates as server-sent events. Each event is a small notice
// of what changed (topic tasks, risk, proposals, devices, outbox or alerts; see core/change-hub.ts)
// and the panel refetches the REST resource it names. A comment line every streamHeartbeatMs keeps
// proxies and the browser from dropping a quiet stream. A stream opened by a panel session ends
// when the session does (sign-out, the account removed or changed, expiry: http/panel/streams.ts),
// with a last event `ended` saying why; at shutdown every stream is ended before the server
// closes, so close never waits on an open stream.

import type { FastifyInstance } from 'fastify'
import { CHANGE_TOPICS } from '../../core/change-hub.js'
import type { AppDeps } from '../deps.js'
import type { PanelContext } from '../panel/context.js'
import type { StreamEnd } from '../panel/streams.js'
import { errorResponses } from '../schemas.js'

const noticeSchema = {
  type: 'object',
  description: 'the JSON in each event\'s data line; the event name is the topic',
  properties: {
    topic: { type: 'string', enum: [...CHANGE_TOPICS] },
    at: { type: 'string', format: 'date-time' },
    count: { type: 'integer', description: 'changes gathered into this notice' },
    items: { type: 'array', description: 'the first 20 of them: e.g. tasks {id, change, kind, state, who, sku, location}, risk {tier, rescored}', items: { type: 'object', additionalProperties: true } }
  }
} as const

export async function streamRoutes (app: FastifyInstance, deps: AppDeps, panel: PanelContext): Promise<void> {
  const { streams } = panel
  panel.watch.start()
  streams.start()
  // Before the server stops accepting: end every stream, or close would wait for them.
  app.addHook('preClose', (done) => {
    panel.watch.stop()
    streams.stop()
    streams.endAll('shutdown')
    done()
  })

  app.get('/api/v1/stream', {
    schema: {
      tags: ['panel'],
      summary: 'Live updates (server-sent events): a notice per topic when something changed; refetch the resource it names',
      description: 'A stream opened with a session cookie ends when the session does (sign-out, the account removed, disabled or given another role, idle or max-age expiry; expiry and changes made from the shell are found within 30 s), after a last event `ended` with data {reason: signed_out | account_changed | session_ended | shutdown}. An open stream counts as activity for the idle timeout; sessionMaxHours still ends it.',
      response: {
        200: { description: 'text/event-stream; event: <topic>, data: a notice', content: { 'text/event-stream': { schema: noticeSchema } } },
        ...errorResponses
      }
    }
  }, (req, reply) => {
    reply.hijack()
    const res = reply.raw
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no' // a reverse proxy must pass events on, not buffer them
    })
    // retry: milliseconds the browser waits before reconnecting.
    res.write('retry: 3000\n: connected\n\n')
    let id = 0
    const unsubscribe = deps.changes.subscribe((n) => {
      id++
      res.write(`id: ${id}\nevent: ${n.topic}\ndata: ${JSON.stringify(n)}\n\n`)
    })
    const beat = setInterval(() => res.write(': heartbeat\n\n'), deps.streamHeartbeatMs)
    beat.unref()
    const end = (reason: StreamEnd | null): void => {
      if (!streams.delete(end)) return
      clearInterval(beat)
      unsubscribe()
      if (reason !== null && res.writable) res.write(`event: ended\ndata: ${JSON.stringify({ reason, at: new Date().toISOString() })}\n\n`)
      res.end()
    }
    // The admin token names no session, and on an open LAN (apiAuth 'open') anyone may read the
    // stream, so ending it at sign-out would guard nothing: such a stream ends with its client or at shutdown.
    const bound = deps.config.apiAuth === 'sessions' && req.caller?.kind === 'session' ? { token: req.caller.token, username: req.caller.session.username } : null
    streams.add(end, bound)
    req.raw.once('close', () => end(null))
    res.once('error', (err) => { req.log.debug({ err }, 'event stream broke'); end(null) })
  })
}
