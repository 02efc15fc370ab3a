// The governance policies in force, versioned in SQLite: every accepted set is a new version (its
// text, sha256, who, why, when), written in one transaction with its policy.changed audit row. The
// current set is the highest version, kept parsed in memory; before any version it is the built-in
// defaults (version 0). The policies file is read at start: a changed file is a new version, a broken
// one stops start-up naming the file and line; a PUT through the API is a new version too (the file
// does not win it back until the file itself changes).

import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Clock } from '../../core/clock.js'
import { EdgeError, Errors } from '../../core/errors.js'
import type { Log } from '../../core/log.js'
import type { AuditLog } from '../../store/audit.js'
import type { Database } from '../../store/db.js'
import { formatProblems, parsePolicies } from './policy-parse.js'
import { resolvePolicy } from './policy-resolve.js'
import { BUILTIN_POLICIES_YAML, type EffectivePolicy, type PolicyProblem, type PolicySet } from './policy-types.js'

export type PolicySource = 'builtin' | 'api' | 'file'

/** One stored version, without its text. */
export interface PolicyVersion {
  /** 0 = the built-in defaults (never stored). */
  version: number
  sha256: string
  /** Who: a manager's name, or 'file:<path>'. */
  actor: string
  /** Why. */
  reason: string
  source: PolicySource
  /** Server clock, ISO 8601 UTC; null for the built-in defaults. */
  createdAt: string | null
}

/** The set in force: its version, its text and the parsed set. */
export interface CurrentPolicies extends PolicyVersion {
  yaml: string
  set: PolicySet
}

export interface PolicyChange {
  /** False when the text is the one already in force: no new version, no audit row. */
  changed: boolean
  current: PolicyVersion
}

export interface PolicyStoreOptions {
  db: Database
  audit: AuditLog
  clock: Clock
  log: Log
  /** This store's format (config storeFormat): what resolve() matches when not told otherwise. */
  storeFormat: string
}

interface Row { version: number, yaml: string, sha256: string, actor: string, reason: string, source: 'api' | 'file', created_at: string }

const MAX_PROBLEMS_IN_MESSAGE = 20

export function sha256Hex (text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}

/** EDGE_ERR_POLICY_INVALID naming every problem as `name:line: path: what`; details carry them as data. */
export function policyInvalid (name: string, problems: PolicyProblem[]): EdgeError {
  const lines = formatProblems(name, problems)
  const shown = lines.slice(0, MAX_PROBLEMS_IN_MESSAGE).join('\n')
  const more = lines.length > MAX_PROBLEMS_IN_MESSAGE ? `\n(and ${lines.length - MAX_PROBLEMS_IN_MESSAGE} more)` : ''
  return new EdgeError(Errors.POLICY_INVALID,
    `${name}: ${problems.length} problem${problems.length === 1 ? '' : 's'}; the policy set was refused whole:\n${shown}${more}`,
    { file: name, problems })
}

function builtin (): CurrentPolicies {
  const parsed = parsePolicies(BUILTIN_POLICIES_YAML)
  if (!parsed.ok) throw new Error('built-in policies do not parse: ' + formatProblems('builtin', parsed.problems).join('; '))
  return { version: 0, sha256: sha256Hex(BUILTIN_POLICIES_YAML), actor: 'system', reason: 'built-in defaults', source: 'builtin', createdAt: null, yaml: BUILTIN_POLICIES_YAML, set: parsed.set }
}

function meta (c: PolicyVersion): PolicyVersion {
  return { version: c.version, sha256: c.sha256, actor: c.actor, reason: c.reason, source: c.source, createdAt: c.createdAt }
}

export class PolicyStore {
  private cur: CurrentPolicies
  private readonly storeFormat: string

  constructor (private readonly o: PolicyStoreOptions) {
    this.storeFormat = o.storeFormat
    this.cur = this.loadCurrent()
  }

  /** The set in force. */
  current (): CurrentPolicies {
    return this.cur
  }

  /** What applies to a category (null: the item has none) in a store format (default: this store's). */
  resolve (category: string | null, storeFormat: string = this.storeFormat): EffectivePolicy {
    return resolvePolicy(this.cur.set, this.cur.version, category, storeFormat)
  }

  /** Stored versions, newest first. */
  versions (limit = 100): PolicyVersion[] {
    const rows = this.o.db.prepare('SELECT version, sha256, actor, reason, source, created_at FROM policy_versions ORDER BY version DESC LIMIT ?').all(limit) as Row[]
    return rows.map((r) => ({ version: r.version, sha256: r.sha256, actor: r.actor, reason: r.reason, source: r.source, createdAt: r.created_at }))
  }

  /** One stored version with its text. */
  version (n: number): (PolicyVersion & { yaml: string }) | undefined {
    const r = this.o.db.prepare('SELECT * FROM policy_versions WHERE version = ?').get(n) as Row | undefined
    return r && { version: r.version, sha256: r.sha256, actor: r.actor, reason: r.reason, source: r.source, createdAt: r.created_at, yaml: r.yaml }
  }

  /**
   * Accepts a whole policy text as the new version, with its audit row in the same transaction.
   * Throws EDGE_ERR_POLICY_INVALID (every problem, with its line) and changes nothing on a bad set.
   * `name` labels the problems (the file path, or 'body' for the API).
   */
  put (yaml: string, by: string, reason: string, opts: { source?: 'api' | 'file', name?: string } = {}): PolicyChange {
    const source = opts.source ?? 'api'
    const parsed = parsePolicies(yaml)
    if (!parsed.ok) throw policyInvalid(opts.name ?? 'body', parsed.problems)
    const sha = sha256Hex(yaml)
    const before = this.cur
    if (before.source !== 'builtin' && before.sha256 === sha) return { changed: false, current: meta(before) }
    const at = new Date(this.o.clock.now()).toISOString()
    const next = this.o.db.transaction((): CurrentPolicies => {
      const { v } = this.o.db.prepare('SELECT COALESCE(MAX(version), 0) + 1 AS v FROM policy_versions').get() as { v: number }
      this.o.db.prepare('INSERT INTO policy_versions (version, yaml, sha256, actor, reason, source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(v, yaml, sha, by, reason, source, at)
      this.o.audit.append({
        kind: 'policy.changed',
        actor: by,
        subject: 'policies',
        reason,
        at,
        inputs: {
          version: v,
          sha256: sha,
          source,
          previous: { version: before.version, sha256: before.sha256 },
          defaults: parsed.set.defaults,
          policies: parsed.set.policies.map((p) => ({ id: p.id, match: p.match, ...p.overrides }))
        },
        versions: { policy: v }
      })
      return { version: v, sha256: sha, actor: by, reason, source, createdAt: at, yaml, set: parsed.set }
    }).immediate()
    this.cur = next
    this.o.log.info({ version: next.version, sha256: sha, actor: by, source, previous: before.version }, 'policies changed')
    return { changed: true, current: meta(next) }
  }

  /**
   * Start-up: reads the policies file (config policiesFile; '' = <dataDir>/policies.yaml when it
   * exists) and makes it a new version when it differs from the last text read from that file.
   * Throws EDGE_ERR_CONFIG_FILE when a configured file cannot be read, EDGE_ERR_POLICY_INVALID
   * (file and line) when it has errors.
   */
  loadFile (policiesFile: string, dataDir: string): PolicyChange | null {
    const explicit = policiesFile !== ''
    const path = explicit ? resolve(policiesFile) : join(resolve(dataDir), 'policies.yaml')
    if (!explicit && !existsSync(path)) return null
    let text: string
    try {
      text = readFileSync(path, 'utf8')
    } catch (err) {
      throw new EdgeError(Errors.CONFIG_FILE, `policies file ${path} (config key "policiesFile") cannot be read: ${(err as Error).message}`, { key: 'policiesFile', file: path })
    }
    const actor = `file:${path}`
    const parsed = parsePolicies(text)
    if (!parsed.ok) throw policyInvalid(path, parsed.problems)
    const last = this.o.db.prepare('SELECT sha256 FROM policy_versions WHERE actor = ? ORDER BY version DESC LIMIT 1').get(actor) as { sha256: string } | undefined
    if (last?.sha256 === sha256Hex(text)) {
      this.o.log.info({ file: path, version: this.cur.version }, 'policies file unchanged')
      return { changed: false, current: meta(this.cur) }
    }
    return this.put(text, actor, last === undefined ? 'policies file read at start' : 'policies file changed', { source: 'file', name: path })
  }

  private loadCurrent (): CurrentPolicies {
    const r = this.o.db.prepare('SELECT * FROM policy_versions ORDER BY version DESC LIMIT 1').get() as Row | undefined
    if (r === undefined) return builtin()
    const parsed = parsePolicies(r.yaml)
    // Only accepted texts are stored; one that no longer parses means a newer store-edge narrowed the rules.
    if (!parsed.ok) throw policyInvalid(`stored policies v${r.version}`, parsed.problems)
    return { version: r.version, sha256: r.sha256, actor: r.actor, reason: r.reason, source: r.source, createdAt: r.created_at, yaml: r.yaml, set: parsed.set }
  }
}
