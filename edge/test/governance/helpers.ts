// A real SQLite file in a temp dir with the governance pieces on it, for the governance tests.

import { silentLog } from '../../src/core/log.js'
import { ManualClock } from '../../src/core/clock.js'
import { openDatabase, type Database } from '../../src/store/db.js'
import { AuditLog } from '../../src/store/audit.js'
import { PolicyStore } from '../../src/decisions/governance/policy-store.js'
import { rmrf, tempDir } from '../helpers/server.js'

interface Tap { teardown (fn: () => unknown): void }

export const T0 = Date.parse('2026-11-26T10:00:00.000Z')

export interface Governance {
  dir: string
  db: Database
  clock: ManualClock
  audit: AuditLog
  policies: PolicyStore
  /** A new PolicyStore on the same database (what a restart sees). */
  reopen (): PolicyStore
}

export function openGovernance (t: Tap, storeFormat = 'standard'): Governance {
  const dir = tempDir('store-edge-gov-')
  const clock = new ManualClock(T0)
  const now = (): string => new Date(clock.now()).toISOString()
  const db = openDatabase({ dataDir: dir, synchronous: 'NORMAL', log: silentLog(), now })
  t.teardown(() => { db.close(); rmrf(dir) })
  const audit = new AuditLog(db, now, '9.9.9-test')
  const make = (): PolicyStore => new PolicyStore({ db, audit, clock, log: silentLog(), storeFormat })
  return { dir, db, clock, audit, policies: make(), reopen: make }
}

export const GOOD_YAML = `# policies.yaml
defaults:
  serviceLevel: 0.95          # target probability of no stockout
  proposalTtlHours: 20
  autoApprove:
    minConfidence: 0.6
    maxValue: 400
    maxDeviationPct: 40
  fallback:
    salesStaleHours: 6
    countStaleDays: 60
policies:
  - match: { category: FOODS }
    serviceLevel: 0.98
  - match: { category: HOBBIES, storeFormat: neighborhood }
    autoApprove: { maxValue: 150 }
  - match: { storeFormat: neighborhood }
    proposalTtlHours: 8
    fallback: { salesStaleHours: 3 }
`
