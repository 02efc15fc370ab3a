// `store-edge accounts add|list|remove`: panel accounts from the appliance's shell (the first
// manager on a fresh install, a reset when the last password is forgotten). A new password is
// generated and printed once unless one comes on stdin (--password-stdin), so it never sits in the
// shell history.

import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { Accounts, type Role } from '../store/accounts.js'
import { configFrom, withDatabase } from './context.js'
import type { Out } from './out.js'

export interface AccountsOpts { config?: string, role?: string, name?: string, 'password-stdin'?: boolean, json: boolean }

/** 16 characters from a set without look-alikes (no 0/O, 1/l/I): read aloud or typed from a screen. */
export function generatePassword (): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'
  return Array.from(randomBytes(16), (b) => alphabet[b % alphabet.length]).join('')
}

export function accountsCommand (args: string[], opts: AccountsOpts, out: Out, readStdin: () => string = () => readFileSync(0, 'utf8')): number {
  const [sub, username] = args
  const config = configFrom(opts)
  switch (sub) {
    case 'add': {
      if (!username || (opts.role !== 'manager' && opts.role !== 'viewer')) {
        out.error('usage: store-edge accounts add USERNAME --role manager|viewer [--name "DISPLAY NAME"] [--password-stdin]')
        return 2
      }
      const given = opts['password-stdin'] === true ? readStdin().replace(/\r?\n$/, '') : null
      const password = given ?? generatePassword()
      const r = withDatabase(config, (db) => new Accounts(db).upsert({ username, role: opts.role as Role, displayName: opts.name, password }))
      if (opts.json) out.line(JSON.stringify({ ...r, password: given === null ? password : undefined }))
      else {
        out.line(`${r.created ? 'created' : 'updated'} ${r.account.username} (${r.account.role})`)
        if (given === null) {
          out.line(`password: ${password}`)
          out.line('This password is shown once. Sign in at the panel and keep it safe.')
        }
      }
      return 0
    }
    case 'list': {
      const accounts = withDatabase(config, (db) => new Accounts(db).list())
      if (opts.json) out.line(JSON.stringify(accounts))
      else {
        if (accounts.length === 0) out.line('no panel accounts')
        for (const a of accounts) out.line(`${a.username}\t${a.role}\t${a.active ? 'active' : 'inactive'}\t${a.displayName}`)
      }
      return 0
    }
    case 'remove': {
      if (!username) {
        out.error('usage: store-edge accounts remove USERNAME')
        return 2
      }
      withDatabase(config, (db) => new Accounts(db).remove(username))
      out.line(opts.json ? JSON.stringify({ removed: username }) : `removed ${username}`)
      return 0
    }
    default:
      out.error('usage: store-edge accounts add|list|remove ...')
      return 2
  }
}
