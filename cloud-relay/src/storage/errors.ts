// Stable error codes of the relay's storage layer. The HTTP layer (issue 7) maps them to statuses
// and answers {error:{code,message}}; tests assert the codes: add codes, never rename them.

export interface RelayErrorSpec {
  readonly code: string
  /** HTTP status when the error reaches a store or an operator. */
  readonly status: number
  readonly message: string
}

function spec (code: string, status: number, message: string): RelayErrorSpec {
  return { code, status, message }
}

export const RelayErrors = {
  SEQ_ORDER: spec('RELAY_ERR_SEQ_ORDER', 400, 'sequence numbers in a batch must be positive integers, strictly increasing'),
  SEQ_CONFLICT: spec('RELAY_ERR_SEQ_CONFLICT', 409, 'a sequence number is already stored under another event id'),
  STORE_UNKNOWN: spec('RELAY_ERR_STORE_UNKNOWN', 404, 'unknown store'),
  STORE_EXISTS: spec('RELAY_ERR_STORE_EXISTS', 409, 'store is already registered'),
  STORE_REVOKED: spec('RELAY_ERR_STORE_REVOKED', 403, 'store is revoked'),
  CLAIM_LOST: spec('RELAY_ERR_CLAIM_LOST', 409, 'the claim is no longer held (its lease expired and another worker took the store)'),
  CLAIM_ORDER: spec('RELAY_ERR_CLAIM_ORDER', 400, 'forwarded events must be a prefix of the claim, in seq order'),
  MIGRATION_FAILED: spec('RELAY_ERR_MIGRATION_FAILED', 500, 'relay database migration failed'),
  // The database cannot be reached (down, restarting, the connection cut): nothing was stored, the
  // caller keeps its rows and tries again; a 503 so a store's sender backs off and retries.
  STORAGE_UNAVAILABLE: spec('RELAY_ERR_STORAGE_UNAVAILABLE', 503, 'the relay database is unavailable; nothing was stored, try again'),

  // the HTTP service
  CONFIG_INVALID: spec('RELAY_ERR_CONFIG_INVALID', 500, 'invalid relay configuration'),
  UNAUTHORIZED: spec('RELAY_ERR_UNAUTHORIZED', 401, 'store token missing, wrong or for another store'),
  ADMIN_ONLY: spec('RELAY_ERR_ADMIN_ONLY', 401, 'this route needs the relay admin token'),
  VALIDATION: spec('RELAY_ERR_VALIDATION', 400, 'request does not match the schema'),
  BAD_BODY: spec('RELAY_ERR_BAD_BODY', 400, 'body is not gzip or JSON as declared'),
  TOO_LARGE: spec('RELAY_ERR_TOO_LARGE', 413, 'batch is over the size limit'),
  NOT_FOUND: spec('RELAY_ERR_NOT_FOUND', 404, 'not found'),
  INTERNAL: spec('RELAY_ERR_INTERNAL', 500, 'internal error')
} as const

export type RelayErrorName = keyof typeof RelayErrors

export class RelayStorageError extends Error {
  readonly code: string
  readonly status: number

  constructor (s: RelayErrorSpec, message: string = s.message) {
    super(message)
    this.name = 'RelayStorageError'
    this.code = s.code
    this.status = s.status
  }
}
