// Every error leaves the API as {error: {code, message}} with a stable code from core/errors.ts,
// including fastify's own (schema validation, bad JSON, body too large, wrong content type).

import type { FastifyError, FastifyInstance } from 'fastify'
import { EdgeError, Errors, isEdgeError, type ErrorSpec } from '../core/errors.js'

const FASTIFY_CODES: Record<string, ErrorSpec> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: Errors.UNSUPPORTED_MEDIA,
  FST_ERR_CTP_BODY_TOO_LARGE: Errors.PAYLOAD_TOO_LARGE,
  FST_ERR_CTP_EMPTY_JSON_BODY: Errors.BAD_JSON,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: Errors.BAD_JSON
}

export function errorBody (code: string, message: string, details?: unknown): { error: { code: string, message: string, details?: unknown } } {
  return { error: details === undefined ? { code, message } : { code, message, details } }
}

export function installErrorHandling (app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | EdgeError, req, reply) => {
    if (isEdgeError(err)) {
      if (err.statusCode >= 500) req.log.error({ err }, 'request failed')
      return reply.status(err.statusCode).send(errorBody(err.code, err.message, err.details))
    }
    const fe = err as FastifyError
    if (fe.validation) {
      return reply.status(400).send(errorBody(Errors.VALIDATION.code, fe.message))
    }
    const mapped = fe.code ? FASTIFY_CODES[fe.code] : undefined
    if (mapped) return reply.status(mapped.status).send(errorBody(mapped.code, fe.message))
    // JSON.parse failures surface as a 400 SyntaxError from the content type parser.
    if (fe.statusCode === 400 && (fe instanceof SyntaxError || /JSON/i.test(fe.message))) {
      return reply.status(400).send(errorBody(Errors.BAD_JSON.code, fe.message))
    }
    if (fe.statusCode !== undefined && fe.statusCode >= 400 && fe.statusCode < 500) {
      return reply.status(fe.statusCode).send(errorBody(Errors.VALIDATION.code, fe.message))
    }
    req.log.error({ err }, 'request failed')
    return reply.status(500).send(errorBody(Errors.INTERNAL.code, 'internal error'))
  })
  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send(errorBody(Errors.NOT_FOUND.code, `no route ${req.method} ${req.url.split('?')[0]}`))
  })
}
