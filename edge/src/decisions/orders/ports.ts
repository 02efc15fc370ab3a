// What the order proposals are given by the composition root: the governance policy for an item,
// the audit log, and where the store's stale inputs are read. Kept as small interfaces so the
// proposal logic is tested with real stores and no knowledge of how policies are kept.

import type { AuditEntry } from '../../store/audit.js'
import type { EffectivePolicy } from '../governance/policy-types.js'

/** The governance rules one proposal is held to: the effective policy for its category and the store's format. */
export type OrderPolicy = EffectivePolicy

export interface PolicySource {
  resolve (category: string | null): OrderPolicy
}

/** Versions an audit row carries (model, policy, forecast method); the server's is added by the log. */
export type Versions = Record<string, string | number | null>

/** Appends inside the caller's transaction: the decision, its audit row and its outbox row commit together. */
export interface AuditSink {
  append (e: AuditEntry): unknown
}

/** Why the shelf-risk model stands down (no model, calibration drift), or null while it acts. */
export type ModelFallback = () => string | null
