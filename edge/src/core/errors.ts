// The one registry of stable error codes. Tests, API clients and dead letters rely on these strings:
// add codes, never rename them. Modelled on fastify's lib/errors.js (FST_ERR_*).

export interface ErrorSpec {
  readonly code: string
  /** HTTP status when the error reaches an API client. */
  readonly status: number
  readonly message: string
}

function spec (code: string, status: number, message: string): ErrorSpec {
  return { code, status, message }
}

export const Errors = {
  // start-up and configuration
  CONFIG_INVALID: spec('EDGE_ERR_CONFIG_INVALID', 500, 'invalid configuration'),
  CONFIG_FILE: spec('EDGE_ERR_CONFIG_FILE', 500, 'configuration file cannot be read'),
  PROFILE_INVALID: spec('EDGE_ERR_PROFILE_INVALID', 500, 'device profile is invalid'),
  MIGRATION_FAILED: spec('EDGE_ERR_MIGRATION_FAILED', 500, 'database migration failed'),
  DATA_DIR_IN_USE: spec('EDGE_ERR_DATA_DIR_IN_USE', 409, 'another store-edge process holds the data dir (a running server, a restore or a migration)'),

  // backup and restore (issue 9)
  BACKUP_FAILED: spec('EDGE_ERR_BACKUP_FAILED', 500, 'the backup failed'),
  DISK_SPACE: spec('EDGE_ERR_DISK_SPACE', 507, 'not enough free disk space'),
  RESTORE_INVALID: spec('EDGE_ERR_RESTORE_INVALID', 422, 'the file is not a usable store-edge database'),

  // HTTP API
  VALIDATION: spec('EDGE_ERR_VALIDATION', 400, 'request does not match the schema'),
  BAD_JSON: spec('EDGE_ERR_BAD_JSON', 400, 'request body is not valid JSON'),
  PAYLOAD_TOO_LARGE: spec('EDGE_ERR_PAYLOAD_TOO_LARGE', 413, 'request body is over the size limit'),
  UNSUPPORTED_MEDIA: spec('EDGE_ERR_UNSUPPORTED_MEDIA', 415, 'unsupported content type'),
  NOT_FOUND: spec('EDGE_ERR_NOT_FOUND', 404, 'not found'),
  UNAUTHORIZED: spec('EDGE_ERR_UNAUTHORIZED', 401, 'credentials missing or wrong'),
  FORBIDDEN: spec('EDGE_ERR_FORBIDDEN', 403, 'not allowed for this device'),
  CONFLICT: spec('EDGE_ERR_CONFLICT', 409, 'conflicts with existing data'),
  UNAVAILABLE: spec('EDGE_ERR_UNAVAILABLE', 503, 'server is shutting down'),
  INTERNAL: spec('EDGE_ERR_INTERNAL', 500, 'internal error'),
  BAD_CURSOR: spec('EDGE_ERR_BAD_CURSOR', 400, 'paging cursor is not one this server handed out'),

  // the simulation clock
  CLOCK_NOT_SIMULATED: spec('EDGE_ERR_CLOCK_NOT_SIMULATED', 409, 'the clock follows system time; start with clockMode "sim" to set it'),
  CLOCK_BACKWARDS: spec('EDGE_ERR_CLOCK_BACKWARDS', 409, 'the simulation clock cannot go backwards'),

  // devices
  DEVICE_UNKNOWN: spec('EDGE_ERR_DEVICE_UNKNOWN', 404, 'unknown device'),
  DEVICE_EXISTS: spec('EDGE_ERR_DEVICE_EXISTS', 409, 'device id already registered'),
  DEVICE_REVOKED: spec('EDGE_ERR_DEVICE_REVOKED', 403, 'device has been revoked'),
  PROFILE_UNKNOWN: spec('EDGE_ERR_PROFILE_UNKNOWN', 400, 'unknown device profile'),

  // master data import
  IMPORT_INVALID: spec('EDGE_ERR_IMPORT_INVALID', 422, 'import has invalid rows; nothing was imported'),
  IMPORT_FORMAT: spec('EDGE_ERR_IMPORT_FORMAT', 400, 'import file format not recognised'),

  // ingest: the reason codes dead letters carry
  MALFORMED_PAYLOAD: spec('EDGE_ERR_MALFORMED_PAYLOAD', 400, 'payload cannot be parsed'),
  SCHEMA_MISMATCH: spec('EDGE_ERR_SCHEMA_MISMATCH', 400, 'payload does not match the profile schema'),
  PAYLOAD_TOO_BIG: spec('EDGE_ERR_PAYLOAD_TOO_BIG', 413, 'payload is over the size limit'),
  UNKNOWN_STREAM: spec('EDGE_ERR_UNKNOWN_STREAM', 400, 'topic names no stream of the device profile'),
  CODEC_FAILED: spec('EDGE_ERR_CODEC_FAILED', 400, 'a field could not be decoded'),
  BAD_CHECK_DIGIT: spec('EDGE_ERR_BAD_CHECK_DIGIT', 400, 'GTIN check digit is wrong'),
  BAD_GTIN: spec('EDGE_ERR_BAD_GTIN', 400, 'not a GTIN-8/12/13/14'),
  UNKNOWN_GTIN: spec('EDGE_ERR_UNKNOWN_GTIN', 422, 'GTIN is not in the item master'),
  UNKNOWN_SKU: spec('EDGE_ERR_UNKNOWN_SKU', 422, 'SKU is not in the item master'),
  UNKNOWN_LOCATION: spec('EDGE_ERR_UNKNOWN_LOCATION', 422, 'location is not known'),
  BAD_QTY: spec('EDGE_ERR_BAD_QTY', 422, 'quantity is negative, not a number or absurd'),
  BAD_TIME: spec('EDGE_ERR_BAD_TIME', 422, 'event time is missing or too far in the past or future'),
  BAD_EVENT: spec('EDGE_ERR_BAD_EVENT', 422, 'event is incomplete for its type'),
  DEVICE_MISMATCH: spec('EDGE_ERR_DEVICE_MISMATCH', 403, 'event names another device'),

  // shelf-risk models: refused at load, the model before stays active
  MODEL_NOT_FOUND: spec('EDGE_ERR_MODEL_NOT_FOUND', 404, 'model file not found'),
  MODEL_INVALID: spec('EDGE_ERR_MODEL_INVALID', 422, 'model file is corrupt or not an ONNX model'),
  MODEL_CONTRACT: spec('EDGE_ERR_MODEL_CONTRACT', 422, 'model does not take the shelf-risk features or give the shelf-risk output'),
  MODEL_CARD: spec('EDGE_ERR_MODEL_CARD', 422, 'model card is missing, invalid or does not match the model'),
  MODEL_NO_CANDIDATE: spec('EDGE_ERR_MODEL_NO_CANDIDATE', 409, 'no candidate model is loaded'),
  MODEL_NO_PREVIOUS: spec('EDGE_ERR_MODEL_NO_PREVIOUS', 409, 'no earlier model to roll back to'),

  // the handheld's item lookup
  ITEM_UNKNOWN: spec('EDGE_ERR_ITEM_UNKNOWN', 404, 'no item has this SKU or GTIN'),

  // associates and their tasks
  ASSOCIATE_AUTH: spec('EDGE_ERR_ASSOCIATE_AUTH', 401, 'unknown badge, wrong PIN or inactive associate'),
  TOKEN_MISSING: spec('EDGE_ERR_TOKEN_MISSING', 401, 'send the associate token in the x-associate-token header'),
  TOKEN_INVALID: spec('EDGE_ERR_TOKEN_INVALID', 401, 'associate token unknown or issued to another device'),
  TOKEN_EXPIRED: spec('EDGE_ERR_TOKEN_EXPIRED', 401, 'associate token has expired; sign in again'),
  TASK_UNKNOWN: spec('EDGE_ERR_TASK_UNKNOWN', 404, 'unknown task'),
  TASK_CONFLICT: spec('EDGE_ERR_TASK_CONFLICT', 409, 'the task was changed by someone else'),
  TASK_STATE: spec('EDGE_ERR_TASK_STATE', 409, 'the action is not allowed in the task\'s state'),
  TASK_KIND: spec('EDGE_ERR_TASK_KIND', 422, 'the action does not apply to this kind of task'),

  // receiving: advance shipping notices and their review
  ASN_UNKNOWN: spec('EDGE_ERR_ASN_UNKNOWN', 404, 'unknown advance shipping notice'),
  ASN_CONFLICT: spec('EDGE_ERR_ASN_CONFLICT', 409, 'an ASN with this id exists with other lines'),
  ASN_CLOSED: spec('EDGE_ERR_ASN_CLOSED', 409, 'the ASN is already closed'),
  ASN_INVALID: spec('EDGE_ERR_ASN_INVALID', 422, 'the ASN lines are invalid'),
  REVIEW_DECISION: spec('EDGE_ERR_REVIEW_DECISION', 422, 'a review needs decision "accept", or "recount" with counts'),

  // order proposals and the demand history behind them
  HISTORY_INVALID: spec('EDGE_ERR_HISTORY_INVALID', 422, 'sales history or calendar rows are invalid; nothing was imported'),
  PROPOSAL_UNKNOWN: spec('EDGE_ERR_PROPOSAL_UNKNOWN', 404, 'unknown order proposal'),
  PROPOSAL_DECIDED: spec('EDGE_ERR_PROPOSAL_DECIDED', 409, 'the order proposal was already decided'),
  PROPOSAL_EXPIRED: spec('EDGE_ERR_PROPOSAL_EXPIRED', 409, 'the order proposal has expired; run the proposals again for a fresh one'),
  PROPOSAL_CONFLICT: spec('EDGE_ERR_PROPOSAL_CONFLICT', 409, 'the order proposal changed since you read it'),
  ORDER_QTY: spec('EDGE_ERR_ORDER_QTY', 422, 'order quantity is not whole cases, negative or absurd'),
  // governance: policy sets (a file at start-up, PUT /api/v1/policies); refused whole
  POLICY_INVALID: spec('EDGE_ERR_POLICY_INVALID', 422, 'the policy set has errors; nothing was applied'),

  // panel accounts and sessions (issue 8)
  SIGN_IN_REQUIRED: spec('EDGE_ERR_SIGN_IN_REQUIRED', 401, 'sign in first (or send the admin token)'),
  SIGN_IN_FAILED: spec('EDGE_ERR_SIGN_IN_FAILED', 401, 'unknown user or wrong password'),
  ACCOUNT_LOCKED: spec('EDGE_ERR_ACCOUNT_LOCKED', 429, 'too many wrong passwords in a row; try again later'),
  ROLE_FORBIDDEN: spec('EDGE_ERR_ROLE_FORBIDDEN', 403, 'your role may not do this (a manager may)'),
  PASSWORD_WEAK: spec('EDGE_ERR_PASSWORD_WEAK', 422, 'the password is too short or too common'),
  ACCOUNT_UNKNOWN: spec('EDGE_ERR_ACCOUNT_UNKNOWN', 404, 'unknown account'),
  LAST_MANAGER: spec('EDGE_ERR_LAST_MANAGER', 409, 'this is the last active manager: add another one first')
} as const satisfies Record<string, ErrorSpec>

export type ErrorName = keyof typeof Errors

export class EdgeError extends Error {
  readonly code: string
  readonly statusCode: number
  readonly details?: unknown

  constructor (which: ErrorSpec, message?: string, details?: unknown) {
    super(message ?? which.message)
    this.name = 'EdgeError'
    this.code = which.code
    this.statusCode = which.status
    this.details = details
  }
}

export function isEdgeError (err: unknown): err is EdgeError {
  return err instanceof EdgeError
}

/** Every code, for tests and docs that list them. */
export const allCodes: readonly string[] = Object.values(Errors).map((s) => s.code)
