// The two Ajv set-ups profiles need. Each catalogue makes its own instances (no module singleton):
// ajv caches compiled schemas per instance, which is what makes compile-once work.

import { Ajv } from 'ajv'
import formats from 'ajv-formats'

/**
 * For device payloads: stops at the first error (a dead letter needs one clear reason, and it is the
 * fast path), formats such as date-time available to stream schemas. Strict, so a typo in a stream
 * schema keyword fails at load time instead of silently validating nothing.
 */
export function createPayloadAjv (): Ajv {
  const ajv = new Ajv({ allErrors: false, strict: true, strictTypes: false, strictTuples: false, strictRequired: false, allowUnionTypes: true })
  formats.default(ajv)
  return ajv
}

/** For profile files and codec args: every error, with the schema that failed, for good messages. */
export function createProfileAjv (): Ajv {
  return new Ajv({ allErrors: true, verbose: true, strict: true, strictTypes: false, strictTuples: false, strictRequired: false, allowUnionTypes: true })
}
