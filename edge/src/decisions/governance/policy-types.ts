// The governance policy set: its fields (with the range each may take and its unit), the built-in
// defaults, and the shapes the parser, the store and the order-proposal service share.

/** Fields a policy may set; every one has a built-in default. */
export interface PolicyFields {
  /** Target probability of no stockout in a replenishment cycle, (0.5, 0.9999]. */
  serviceLevel: number
  /** A pending proposal expires after this many hours. */
  proposalTtlHours: number
  autoApprove: {
    /** Forecast confidence, 0-1, at or above which a proposal may be approved without a manager. */
    minConfidence: number
    /** Order value at cost, in the store's currency, at most. */
    maxValue: number
    /** |qty - usual order| / usual order, percent, at most. */
    maxDeviationPct: number
  }
  fallback: {
    /** No sale event seen for this many hours during store hours: sales inputs are stale. */
    salesStaleHours: number
    /** No count of the SKU for this many days: inventory is unreconciled. */
    countStaleDays: number
  }
}

/** Fields as a policy entry gives them: any subset. */
export interface PolicyOverrides {
  serviceLevel?: number
  proposalTtlHours?: number
  autoApprove?: Partial<PolicyFields['autoApprove']>
  fallback?: Partial<PolicyFields['fallback']>
}

export interface PolicyMatch {
  category?: string
  storeFormat?: string
}

export interface PolicyRule {
  /** Given in the file, or derived from the match: 'FOODS', 'format:neighborhood', 'HOBBIES:neighborhood'. */
  id: string
  match: PolicyMatch
  overrides: PolicyOverrides
  /** Line of the entry in its file, 1-based. */
  line: number
}

/** A parsed, valid policy set. */
export interface PolicySet {
  /** Built-in defaults with the file's `defaults` merged over them. */
  defaults: PolicyFields
  policies: PolicyRule[]
}

/** What a decision uses for one category in one store format. */
export interface EffectivePolicy extends PolicyFields {
  /** The policy entry that matched ('defaults' when none did). */
  policyId: string
  /** Version of the policy set (0 = the built-in defaults, never stored). */
  version: number
}

/** One thing wrong with a policy file. */
export interface PolicyProblem {
  /** 1-based line and column in the file. */
  line: number
  col: number
  /** Where in the document: 'defaults.autoApprove.maxValue', 'policies[2].match'. */
  path: string
  message: string
}

export interface NumberField {
  /** Lowest allowed value, and whether it is allowed itself. */
  min: number
  minExclusive?: boolean
  max: number
  /** Words for the problem message, with the unit. */
  allowed: string
}

/** The range of each numeric field; nested groups by their key. */
export const FIELDS: {
  serviceLevel: NumberField
  proposalTtlHours: NumberField
  autoApprove: Record<keyof PolicyFields['autoApprove'], NumberField>
  fallback: Record<keyof PolicyFields['fallback'], NumberField>
} = {
  serviceLevel: { min: 0.5, minExclusive: true, max: 0.9999, allowed: 'a probability above 0.5 and at most 0.9999' },
  proposalTtlHours: { min: 0, minExclusive: true, max: 24 * 30, allowed: 'hours, above 0 and at most 720' },
  autoApprove: {
    minConfidence: { min: 0, max: 1, allowed: 'a confidence 0-1' },
    maxValue: { min: 0, max: 1e9, allowed: 'an amount 0-1000000000 (store currency, at cost)' },
    maxDeviationPct: { min: 0, max: 1e6, allowed: 'a percentage 0-1000000' }
  },
  fallback: {
    salesStaleHours: { min: 0, minExclusive: true, max: 24 * 30, allowed: 'hours, above 0 and at most 720' },
    countStaleDays: { min: 0, minExclusive: true, max: 3650, allowed: 'days, above 0 and at most 3650' }
  }
}

/** Used wherever a file or the stored set leaves a field out. */
export const BUILTIN_DEFAULTS: PolicyFields = {
  serviceLevel: 0.95,
  proposalTtlHours: 20,
  autoApprove: { minConfidence: 0.6, maxValue: 400, maxDeviationPct: 40 },
  fallback: { salesStaleHours: 6, countStaleDays: 60 }
}

/** The policy text in force before any file or PUT: the built-in defaults, written out. */
export const BUILTIN_POLICIES_YAML = `# Built-in governance policies (no policies file and no version stored yet).
defaults:
  serviceLevel: ${BUILTIN_DEFAULTS.serviceLevel}
  proposalTtlHours: ${BUILTIN_DEFAULTS.proposalTtlHours}
  autoApprove:
    minConfidence: ${BUILTIN_DEFAULTS.autoApprove.minConfidence}
    maxValue: ${BUILTIN_DEFAULTS.autoApprove.maxValue}
    maxDeviationPct: ${BUILTIN_DEFAULTS.autoApprove.maxDeviationPct}
  fallback:
    salesStaleHours: ${BUILTIN_DEFAULTS.fallback.salesStaleHours}
    countStaleDays: ${BUILTIN_DEFAULTS.fallback.countStaleDays}
policies: []
`
