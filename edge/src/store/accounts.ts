// Panel accounts: store managers (approve, modify, reject, reassign, register devices) and viewers
// (read only). A password is kept as scrypt with a per-account salt (~50 ms of CPU per sign-in).
// Five wrong passwords in a row lock the account for five minutes: the panel is on the store LAN,
// where anyone with a laptop can guess.

import type { Database } from 'better-sqlite3'
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto'
import { EdgeError, Errors } from '../core/errors.js'

export const ROLES = ['manager', 'viewer'] as const
export type Role = typeof ROLES[number]

export interface Account {
  username: string
  displayName: string
  role: Role
  active: boolean
  createdAt: string
  updatedAt: string
}

export interface AccountInput {
  username: string
  displayName?: string
  role: Role
  /** Required for a new account; kept when left out of an update. */
  password?: string
  active?: boolean
}

interface AccountRow {
  username: string
  display_name: string
  role: Role
  password_salt: Buffer
  password_hash: Buffer
  active: 0 | 1
  failed_sign_ins: number
  locked_until: number | null
  created_at: number
  updated_at: number
}

const KEY_BYTES = 32
const LOCK_AFTER = 5 // wrong passwords in a row
const LOCK_MS = 5 * 60_000
export const PASSWORD_MIN = 10 // characters
export const USERNAME = /^[a-z0-9][a-z0-9._-]{1,31}$/
// The few that people pick first; the length rule catches most of the rest.
const COMMON = new Set(['password12', 'password123', '1234567890', '0123456789', 'qwertyuiop', 'letmein123', 'welcome123', 'changeme12', 'administrator', 'storemanager'])

const hash = (salt: Buffer, password: string): Buffer => scryptSync(password, salt, KEY_BYTES)
// Hashed when the user is unknown, so a wrong user costs the same time as a wrong password.
const DUMMY_SALT = randomBytes(16)

function toAccount (r: AccountRow): Account {
  return { username: r.username, displayName: r.display_name, role: r.role, active: r.active === 1, createdAt: new Date(r.created_at).toISOString(), updatedAt: new Date(r.updated_at).toISOString() }
}

/** Why a password is refused, or null when it is acceptable. */
export function passwordProblem (password: string, username: string): string | null {
  if (password.length < PASSWORD_MIN) return `at least ${PASSWORD_MIN} characters`
  if (password.length > 200) return 'at most 200 characters'
  if (new Set(password).size < 4) return 'more than three different characters'
  if (password.toLowerCase().includes(username.toLowerCase())) return 'not containing the user name'
  if (COMMON.has(password.toLowerCase())) return 'not one of the most common passwords'
  return null
}

export class Accounts {
  /** `now` is wall-clock epoch ms (not the server clock, which may be simulated). */
  constructor (private readonly db: Database, private readonly now: () => number = Date.now) {}

  private row (username: string): AccountRow | undefined {
    return this.db.prepare('SELECT * FROM accounts WHERE username = ?').get(username) as AccountRow | undefined
  }

  get (username: string): Account | undefined {
    const r = this.row(username)
    return r ? toAccount(r) : undefined
  }

  list (): Account[] {
    return (this.db.prepare('SELECT * FROM accounts ORDER BY username').all() as AccountRow[]).map(toAccount)
  }

  count (): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM accounts').get() as { n: number }).n
  }

  /** Creates or updates an account; `created` tells which. Never leaves the store without an active manager. */
  upsert (a: AccountInput): { account: Account, created: boolean } {
    if (!USERNAME.test(a.username)) throw new EdgeError(Errors.VALIDATION, `user name "${a.username}": 2-32 of a-z, 0-9, '.', '_', '-', starting with a letter or digit`)
    if (!(ROLES as readonly string[]).includes(a.role)) throw new EdgeError(Errors.VALIDATION, `role "${a.role}": manager or viewer`)
    const existing = this.row(a.username)
    if (!existing && a.password === undefined) throw new EdgeError(Errors.VALIDATION, `account "${a.username}" is new: a password is required`)
    if (a.password !== undefined) {
      const problem = passwordProblem(a.password, a.username)
      if (problem !== null) throw new EdgeError(Errors.PASSWORD_WEAK, `the password must be ${problem}`)
    }
    const active = a.active ?? (existing ? existing.active === 1 : true)
    return this.db.transaction(() => {
      if (existing?.role === 'manager' && existing.active === 1 && (a.role !== 'manager' || !active)) this.keepAManager(a.username)
      const salt = a.password !== undefined ? randomBytes(16) : existing!.password_salt
      const now = this.now()
      this.db.prepare(`INSERT INTO accounts (username, display_name, role, password_salt, password_hash, active, created_at, updated_at)
        VALUES (@username, @displayName, @role, @salt, @hash, @active, @now, @now)
        ON CONFLICT (username) DO UPDATE SET display_name = excluded.display_name, role = excluded.role, password_salt = excluded.password_salt,
          password_hash = excluded.password_hash, active = excluded.active, failed_sign_ins = 0, locked_until = NULL, updated_at = excluded.updated_at`).run({
        username: a.username,
        displayName: a.displayName ?? existing?.display_name ?? a.username,
        role: a.role,
        salt,
        hash: a.password !== undefined ? hash(salt, a.password) : existing!.password_hash,
        active: active ? 1 : 0,
        now
      })
      // A new password, a lower role or a disabled account ends the account's sessions.
      if (existing && (a.password !== undefined || !active || a.role !== existing.role)) this.db.prepare('DELETE FROM sessions WHERE username = ?').run(a.username)
      return { account: this.get(a.username)!, created: !existing }
    }).immediate()
  }

  remove (username: string): void {
    const r = this.row(username)
    if (!r) throw new EdgeError(Errors.ACCOUNT_UNKNOWN, `no account "${username}"`)
    this.db.transaction(() => {
      if (r.role === 'manager' && r.active === 1) this.keepAManager(username)
      this.db.prepare('DELETE FROM accounts WHERE username = ?').run(username)
    }).immediate()
  }

  private keepAManager (leaving: string): void {
    const others = (this.db.prepare("SELECT COUNT(*) AS n FROM accounts WHERE role = 'manager' AND active = 1 AND username <> ?").get(leaving) as { n: number }).n
    if (others === 0) throw new EdgeError(Errors.LAST_MANAGER, `"${leaving}" is the last active manager: add another manager first`)
  }

  /** The account for a user name and password; counts failures and locks after five in a row. */
  verify (username: string, password: string): Account {
    const r = this.row(username)
    const now = this.now()
    if (r?.locked_until != null && r.locked_until > now) {
      throw new EdgeError(Errors.ACCOUNT_LOCKED, `too many wrong passwords for "${username}": try again after ${new Date(r.locked_until).toISOString()}`, { retryAfterS: Math.ceil((r.locked_until - now) / 1000) })
    }
    const got = hash(r?.password_salt ?? DUMMY_SALT, password)
    if (!r || r.active !== 1 || !timingSafeEqual(got, r.password_hash)) {
      if (r) {
        const failed = r.failed_sign_ins + 1
        this.db.prepare('UPDATE accounts SET failed_sign_ins = ?, locked_until = ? WHERE username = ?')
          .run(failed >= LOCK_AFTER ? 0 : failed, failed >= LOCK_AFTER ? now + LOCK_MS : null, username)
      }
      throw new EdgeError(Errors.SIGN_IN_FAILED)
    }
    if (r.failed_sign_ins > 0 || r.locked_until !== null) this.db.prepare('UPDATE accounts SET failed_sign_ins = 0, locked_until = NULL WHERE username = ?').run(username)
    return toAccount(r)
  }
}
