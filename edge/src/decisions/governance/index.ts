// Governance: the policies decisions follow (file + API, versioned) and what they resolve to. The
// audit log they write to lives in store/audit.ts (the store owns the table; decisions import it).

export { PolicyStore, policyInvalid, sha256Hex, type CurrentPolicies, type PolicyChange, type PolicySource, type PolicyStoreOptions, type PolicyVersion } from './policy-store.js'
export { parsePolicies, formatProblems, type PolicyParse } from './policy-parse.js'
export { resolvePolicy, policyActor } from './policy-resolve.js'
export { BUILTIN_DEFAULTS, BUILTIN_POLICIES_YAML, type EffectivePolicy, type PolicyFields, type PolicyOverrides, type PolicyProblem, type PolicyRule, type PolicySet } from './policy-types.js'
export { AuditLog, AUDIT_KINDS, type AuditEntry, type AuditRecord, type AuditQuery, type AuditPage, type AuditVerify } from '../../store/audit.js'
