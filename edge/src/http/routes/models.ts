// The shelf-risk models over HTTP: which one acts, which one scores in shadow, how each did against
// what the store confirmed, the registry's history and the audit of who changed what. Operators
// (admin token) give a candidate (a path on the server, or the .onnx uploaded), promote it, roll
// back, or drop it; each is one call, recorded in audit_log.

import type { FastifyInstance, FastifyRequest } from 'fastify'
import { EdgeError, Errors } from '../../core/errors.js'
import { modelView, modelsView } from '../../scoring/service/views.js'
import { adminGuard } from '../auth.js'
import type { AppDeps } from '../deps.js'
import { errorResponses } from '../schemas.js'
import { riskOf } from './risk.js'

const open = { type: 'object', additionalProperties: true } as const
const nullableOpen = { type: ['object', 'null'], additionalProperties: true } as const

const modelSchema = {
  type: ['object', 'null'],
  properties: {
    version: { type: 'string' },
    sha256: { type: 'string' },
    kind: { type: 'string', enum: ['tree', 'logistic', 'other'] },
    origin: { type: 'string', enum: ['config', 'path', 'upload'] },
    source: { type: ['string', 'null'] },
    storedAt: { type: 'string' },
    bytes: { type: 'integer' },
    loadedAt: { type: 'string' },
    activatedAt: { type: ['string', 'null'] },
    explained: { type: 'boolean' },
    explainNote: { type: ['string', 'null'] },
    cardMetrics: {},
    fileChanged: { type: ['string', 'null'], description: 'set when the file loaded from changed on disk since; the loaded model keeps acting' }
  }
} as const

const changeSchema = { type: 'object', properties: { active: modelSchema, previous: modelSchema } } as const
/** Promote and roll back take no input but an optional note for the audit log. */
const noteBody = { type: 'object', additionalProperties: false, properties: { note: { type: 'string', maxLength: 1000, description: 'why, kept in the audit log' } } } as const
const noteOf = (req: FastifyRequest): string | null => (req.body as { note?: string } | undefined)?.note ?? null
/** No body at all is an empty note: validated as {}. */
const emptyBody = async (req: FastifyRequest): Promise<void> => { if (req.body === undefined || req.body === null) req.body = {} }

/** Who to write in the audit log: the admin token holder, or a tool naming itself (x-edge-actor: cli). */
function actorOf (req: FastifyRequest): string {
  const named = req.headers['x-edge-actor']
  return typeof named === 'string' && /^[a-z][a-z0-9_-]{0,31}$/.test(named) ? named : 'admin'
}

/** A card sent with an upload: JSON, or base64 of JSON (headers carry one line). */
function cardHeader (req: FastifyRequest): string | null {
  const h = req.headers['x-model-card']
  if (typeof h !== 'string' || h === '') return null
  return h.trimStart().startsWith('{') ? h : Buffer.from(h, 'base64').toString('utf8')
}

export async function modelRoutes (app: FastifyInstance, deps: AppDeps): Promise<void> {
  const admin = adminGuard(deps.config.adminToken)
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, (_req, body, done) => done(null, body))

  app.get('/api/v1/models', {
    schema: {
      tags: ['risk'],
      summary: 'Shelf-risk models: active, candidate, why rules act, monitoring (AUC, Brier, calibration, drift), history, audit',
      response: {
        200: {
          type: 'object',
          properties: {
            active: modelSchema,
            candidate: modelSchema,
            problem: { ...nullableOpen, description: 'why no model is active: {reason, code, detail, path}' },
            governance: open,
            scorers: open,
            rulesReasons: open,
            lastPass: open,
            monitoring: open,
            history: { type: 'array', items: open },
            audit: { type: 'array', items: open }
          }
        },
        ...errorResponses
      }
    }
  }, async () => modelsView(riskOf(deps)))

  app.post('/api/v1/models/candidate', {
    onRequest: admin, // before the body is read
    bodyLimit: 256 * 1024 * 1024, // bytes: a large tree ensemble is tens of megabytes
    schema: {
      tags: ['risk'],
      summary: 'Load a candidate model to score in shadow: {"path": "/path/model.onnx"} (card beside it), or the .onnx as application/octet-stream (card in the x-model-card header, JSON or base64, or in the model\'s metadata)',
      description: 'The model is checked as at start (ONNX, input "features" float32 [N, 22], output "risk" [N, 1], card naming the features in order); a refused one leaves everything as it was. ' +
        'Its scores are kept beside the active ones and never act. Replaces an earlier candidate.',
      body: {
        content: {
          'application/json': { schema: { type: 'object', additionalProperties: false, required: ['path'], properties: { path: { type: 'string', minLength: 1, maxLength: 4096 } } } },
          'application/octet-stream': { schema: {} }
        }
      },
      response: { 201: { type: 'object', properties: { candidate: modelSchema } }, ...errorResponses }
    }
  }, async (req, reply) => {
    const risk = riskOf(deps)
    risk.assertRunning()
    const body = req.body as { path: string } | Buffer
    const src = Buffer.isBuffer(body) ? { bytes: body, card: cardHeader(req) } : { path: body.path }
    if (Buffer.isBuffer(body) && body.length === 0) throw new EdgeError(Errors.MODEL_INVALID, 'the upload is empty')
    const slot = await risk.setCandidate(src, actorOf(req))
    req.log.info({ version: slot.model.version, sha256: slot.model.sha256, actor: actorOf(req) }, 'candidate model loaded')
    reply.status(201)
    return { candidate: modelView(slot) }
  })

  app.delete('/api/v1/models/candidate', {
    onRequest: admin,
    schema: { tags: ['risk'], summary: 'Drop the candidate model', response: { 200: { type: 'object', properties: { dropped: modelSchema } }, ...errorResponses } }
  }, async (req) => ({ dropped: modelView(riskOf(deps).dropCandidate(actorOf(req))) }))

  app.post('/api/v1/models/promote', {
    onRequest: admin,
    preValidation: emptyBody,
    schema: {
      tags: ['risk'],
      summary: 'The candidate becomes the active model; the active one is retired (kept for rollback). Audited with the comparison of both on the same confirmations.',
      body: noteBody,
      response: { 200: changeSchema, ...errorResponses }
    }
  }, async (req) => {
    const risk = riskOf(deps)
    risk.assertRunning()
    const { from, to } = risk.promote(actorOf(req), noteOf(req))
    return { active: modelView(to), previous: modelView(from) }
  })

  app.post('/api/v1/models/rollback', {
    onRequest: admin,
    preValidation: emptyBody,
    schema: {
      tags: ['risk'],
      summary: 'The model active before the current one acts again (from the copy kept when it was activated)',
      body: noteBody,
      response: { 200: changeSchema, ...errorResponses }
    }
  }, async (req) => {
    const risk = riskOf(deps)
    risk.assertRunning()
    const { from, to } = await risk.rollback(actorOf(req), noteOf(req))
    return { active: modelView(to), previous: modelView(from) }
  })
}
