// The audit log over HTTP (operators; admin): filtered pages with an opaque cursor, the same
// selection as a CSV download (?format=csv or Accept: text/csv, streamed page by page), and a check
// of the hash chain. There is no route that writes, edits or deletes a row.

import { Readable } from 'node:stream'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { EdgeError, Errors } from '../../core/errors.js'
import { auditCsv } from '../../store/audit-csv.js'
import { AUDIT_KINDS, type AuditFilter } from '../../store/audit.js'
import { adminGuard } from '../auth.js'
import { decodeCursor, encodeCursor } from '../cursor.js'
import type { AppDeps } from '../deps.js'
import { errorResponses } from '../schemas.js'

const entrySchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    at: { type: 'string', description: 'server clock, ISO 8601 UTC' },
    kind: { type: 'string', description: `what happened: ${AUDIT_KINDS.join(', ')}, adjustment.*` },
    actor: { type: 'string', description: "who: system, policy:<id>@v<n>, a manager's name, file:<path>" },
    subject: { type: 'string', description: 'what it is about: proposal:42, policies' },
    reason: { type: ['string', 'null'], description: 'why' },
    inputs: { description: 'what the decision saw (JSON)' },
    versions: { type: 'object', additionalProperties: true, description: 'model, policy, forecast method, server' },
    prevHash: { type: 'string' },
    hash: { type: 'string' }
  }
} as const

const name = { type: 'string', minLength: 1, maxLength: 200 } as const

interface AuditQs extends AuditFilter {
  limit: number
  after?: string
  order: 'asc' | 'desc'
  format?: 'json' | 'csv'
}

function wantsCsv (req: FastifyRequest, q: AuditQs): boolean {
  if (q.format !== undefined) return q.format === 'csv'
  return /\btext\/csv\b/i.test(String(req.headers.accept ?? ''))
}

/** The row id inside a cursor this route handed out. */
function cursorId (cursor: string): number {
  const [key] = decodeCursor(cursor, 1)
  if (!/^[1-9][0-9]{0,15}$/.test(key)) throw new EdgeError(Errors.BAD_CURSOR, 'cursor is not one this server handed out; pass "next" from the previous page as is')
  return Number(key)
}

export async function auditRoutes (app: FastifyInstance, deps: AppDeps): Promise<void> {
  const admin = adminGuard(deps.config.adminToken)

  app.get('/api/v1/audit', {
    onRequest: admin,
    schema: {
      tags: ['governance'],
      summary: 'The audit log: every recommendation, decision, override and policy change, filtered, newest first, paged with a cursor; or the whole selection as CSV',
      description: 'Pass `next` of a page as `after` for the following one. ?format=csv (or Accept: text/csv) answers the whole selection as RFC 4180 CSV ' +
        '(header row; inputs and versions as JSON text); limit and after apply to JSON pages only.',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          kind: { type: 'string', minLength: 1, maxLength: 100, description: "a kind, or a prefix ending in '.*' (proposal.*)" },
          actor: name,
          subject: name,
          from: { type: 'string', format: 'date-time', description: 'at or after (ISO 8601 UTC)' },
          to: { type: 'string', format: 'date-time', description: 'before (ISO 8601 UTC)' },
          order: { type: 'string', enum: ['desc', 'asc'], default: 'desc' },
          limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          after: { type: 'string', minLength: 1, maxLength: 512, description: 'cursor: `next` of the previous page' },
          format: { type: 'string', enum: ['json', 'csv'] }
        }
      },
      response: {
        200: { type: 'object', properties: { entries: { type: 'array', items: entrySchema }, next: { type: ['string', 'null'] } } },
        ...errorResponses
      }
    }
  }, async (req, reply) => {
    const q = req.query as AuditQs
    // Stored times are ...Z with milliseconds; a bound given with an offset is compared as the same instant.
    const filter: AuditFilter = {
      kind: q.kind,
      actor: q.actor,
      subject: q.subject,
      from: q.from === undefined ? undefined : new Date(q.from).toISOString(),
      to: q.to === undefined ? undefined : new Date(q.to).toISOString()
    }
    if (wantsCsv(req, q)) {
      const stamp = new Date(deps.clock.now()).toISOString().replace(/[:.]/g, '-')
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="audit-${deps.config.storeId}-${stamp}.csv"`)
        .send(Readable.from(auditCsv(deps.audit.all({ ...filter, order: q.order }))))
    }
    const after = q.after === undefined ? undefined : cursorId(q.after)
    const page = deps.audit.query({ ...filter, order: q.order, limit: q.limit, after })
    return { entries: page.rows, next: page.next === null ? null : encodeCursor([String(page.next)]) }
  })

  app.get('/api/v1/audit/verify', {
    onRequest: admin,
    schema: {
      tags: ['governance'],
      summary: 'Checks the hash chain: every row\'s prev_hash is the hash of the row before and its hash matches its content',
      description: 'ok false names the first row that breaks the chain (altered, or a row before it missing). Rows cut off the end leave the chain whole: compare `head` with one noted earlier.',
      response: {
        200: {
          type: 'object',
          properties: {
            ok: { type: 'boolean' },
            rows: { type: 'integer' },
            head: { type: 'string', description: 'hash of the last row' },
            brokenAt: { type: 'integer' },
            problem: { type: 'string' }
          }
        },
        ...errorResponses
      }
    }
  }, async () => deps.audit.verify())
}
