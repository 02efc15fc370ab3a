// Request validation. A JSON body must already carry the schema's types: a handheld sending
// `qty: true` or `qty: "2"` has a bug to hear about, and fastify's default coercion would book it as
// a sale of 1 or 2. Query strings and path parameters are text by nature and are coerced (?limit=50).
// Unknown fields are an error the client should hear about, not silently dropped.

import { Ajv, type Options } from 'ajv'
import formats from 'ajv-formats'
import type { FastifySchemaCompiler } from 'fastify'

function createAjv (coerceTypes: Options['coerceTypes']): Ajv {
  // As fastify's defaults (@fastify/ajv-compiler), but removeAdditional off and coercion per part.
  const ajv = new Ajv({ coerceTypes, useDefaults: true, removeAdditional: false, allErrors: false, addUsedSchema: false })
  formats.default(ajv)
  return ajv
}

export function createValidatorCompiler (): FastifySchemaCompiler<unknown> {
  const body = createAjv(false)
  const text = createAjv('array')
  return ({ schema, httpPart }) => (httpPart === 'body' ? body : text).compile(schema as object)
}
