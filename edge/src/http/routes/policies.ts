// Governance policies over HTTP (operators; admin): the set in force with its text and effective
// defaults, its version history, what applies to a category in a store format, and a new set (YAML
// as text/yaml, or JSON {yaml, by, reason}), accepted whole or refused whole with every problem.

import type { FastifyInstance } from 'fastify'
import { EdgeError, Errors } from '../../core/errors.js'
import { adminGuard } from '../auth.js'
import type { AppDeps } from '../deps.js'
import { errorResponses } from '../schemas.js'

/** Bytes: a policy file is a few KB; hundreds of category-and-format entries stay far below this. */
const MAX_POLICY_BYTES = 256 * 1024
const YAML_TYPES = ['text/yaml', 'application/yaml', 'application/x-yaml', 'text/x-yaml']

const n = { type: 'number' } as const
const fieldsSchema = {
  serviceLevel: { type: 'number', description: 'target probability of no stockout in a replenishment cycle' },
  proposalTtlHours: { type: 'number', description: 'hours until a pending proposal expires' },
  autoApprove: { type: 'object', properties: { minConfidence: n, maxValue: n, maxDeviationPct: n } },
  fallback: { type: 'object', properties: { salesStaleHours: n, countStaleDays: n } }
} as const

const versionSchema = {
  type: 'object',
  properties: {
    version: { type: 'integer', description: '0 = the built-in defaults (nothing stored yet)' },
    sha256: { type: 'string' },
    actor: { type: 'string', description: "who: a manager's name, or file:<path>" },
    reason: { type: 'string' },
    source: { type: 'string', enum: ['builtin', 'api', 'file'] },
    createdAt: { type: ['string', 'null'] }
  }
} as const

const effectiveSchema = {
  type: 'object',
  properties: { policyId: { type: 'string' }, version: { type: 'integer' }, ...fieldsSchema }
} as const

const text = { type: 'string', minLength: 1, maxLength: 200 } as const

export async function policyRoutes (app: FastifyInstance, deps: AppDeps): Promise<void> {
  const admin = adminGuard(deps.config.adminToken)
  const policies = deps.policies

  app.addContentTypeParser(YAML_TYPES, { parseAs: 'string', bodyLimit: MAX_POLICY_BYTES }, (_req, body, done) => done(null, body))

  app.get('/api/v1/policies', {
    onRequest: admin,
    schema: {
      tags: ['governance'],
      summary: 'The policy set in force: version, who set it and why, its YAML text, the effective defaults and its entries',
      response: {
        200: {
          type: 'object',
          properties: {
            ...versionSchema.properties,
            yaml: { type: 'string' },
            storeFormat: { type: 'string', description: 'this store\'s format (config storeFormat)' },
            defaults: { type: 'object', properties: fieldsSchema },
            policies: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  id: { type: 'string' },
                  match: { type: 'object', properties: { category: { type: 'string' }, storeFormat: { type: 'string' } } },
                  line: { type: 'integer' },
                  overrides: { type: 'object', properties: fieldsSchema }
                }
              }
            }
          }
        },
        ...errorResponses
      }
    }
  }, async () => {
    const c = policies.current()
    const { set, ...rest } = c
    return { ...rest, storeFormat: deps.config.storeFormat, defaults: set.defaults, policies: set.policies }
  })

  app.get('/api/v1/policies/versions', {
    onRequest: admin,
    schema: {
      tags: ['governance'],
      summary: 'Stored policy versions, newest first',
      querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } } },
      response: { 200: { type: 'object', properties: { versions: { type: 'array', items: versionSchema } } }, ...errorResponses }
    }
  }, async (req) => ({ versions: policies.versions((req.query as { limit: number }).limit) }))

  app.get('/api/v1/policies/versions/:version', {
    onRequest: admin,
    schema: {
      tags: ['governance'],
      summary: 'One stored policy version with its YAML text',
      params: { type: 'object', required: ['version'], properties: { version: { type: 'integer', minimum: 1 } } },
      response: { 200: { type: 'object', properties: { ...versionSchema.properties, yaml: { type: 'string' } } }, ...errorResponses }
    }
  }, async (req) => {
    const { version } = req.params as { version: number }
    const v = policies.version(version)
    if (v === undefined) throw new EdgeError(Errors.NOT_FOUND, `no policy version ${version}`)
    return v
  })

  app.get('/api/v1/policies/resolve', {
    onRequest: admin,
    schema: {
      tags: ['governance'],
      summary: 'The policy that applies to a category in a store format (most specific entry over the defaults)',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          category: { type: 'string', maxLength: 64, description: 'absent or empty: an item without a category' },
          storeFormat: { type: 'string', minLength: 1, maxLength: 64, description: 'default: this store\'s (config storeFormat)' }
        }
      },
      response: { 200: effectiveSchema, ...errorResponses }
    }
  }, async (req) => {
    const q = req.query as { category?: string, storeFormat?: string }
    return policies.resolve(q.category === undefined || q.category === '' ? null : q.category, q.storeFormat ?? deps.config.storeFormat)
  })

  app.put('/api/v1/policies', {
    onRequest: admin, // before the body is read
    bodyLimit: MAX_POLICY_BYTES,
    schema: {
      tags: ['governance'],
      summary: 'Replace the policy set: the whole YAML text becomes a new version, or nothing changes',
      description: 'Send the YAML as text/yaml with ?by=&reason=, or JSON {yaml, by, reason}. 201 with the new version; 200 with changed false ' +
        'when the text is the one in force; 422 EDGE_ERR_POLICY_INVALID with every problem (`body:line: path: what`, and as data in error.details.problems).',
      querystring: { type: 'object', additionalProperties: false, properties: { by: text, reason: { ...text, maxLength: 1000 } } },
      body: {
        anyOf: [
          { type: 'string', description: 'the YAML text (text/yaml)' },
          {
            type: 'object',
            additionalProperties: false,
            required: ['yaml'],
            properties: { yaml: { type: 'string', maxLength: MAX_POLICY_BYTES }, by: text, reason: { ...text, maxLength: 1000 } }
          }
        ]
      },
      response: {
        200: { type: 'object', properties: { changed: { type: 'boolean' }, current: versionSchema } },
        201: { type: 'object', properties: { changed: { type: 'boolean' }, current: versionSchema } },
        ...errorResponses
      }
    }
  }, async (req, reply) => {
    const q = req.query as { by?: string, reason?: string }
    const body = req.body as string | { yaml: string, by?: string, reason?: string }
    const yaml = typeof body === 'string' ? body : body.yaml
    const by = (typeof body === 'string' ? undefined : body.by) ?? q.by
    const reason = (typeof body === 'string' ? undefined : body.reason) ?? q.reason
    if (by === undefined || reason === undefined) {
      throw new EdgeError(Errors.VALIDATION, 'a policy change needs who (by) and why (reason): JSON fields, or ?by=&reason= with text/yaml')
    }
    const res = policies.put(yaml, by, reason, { source: 'api', name: 'body' })
    if (res.changed) req.log.info({ version: res.current.version, by }, 'policies replaced through the API')
    return reply.code(res.changed ? 201 : 200).send(res)
  })
}
