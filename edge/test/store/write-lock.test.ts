// The server's own connection shares the database file with the journal thread's connection, which
// commits all the time (events, presence every second). A transaction that reads and then writes
// must take the write lock at its first statement (BEGIN IMMEDIATE, waiting out busy_timeout):
// begun deferred, a commit by the other connection between its read and its write fails it at once
// with SQLITE_BUSY_SNAPSHOT, which reached a manager as a 500 when a fill was created by hand.

import t from 'tap'
import { readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import BetterSqlite3 from 'better-sqlite3'
import { silentLog } from '../../src/core/log.js'
import { dbPath, openDatabase } from '../../src/store/db.js'
import { TaskStore } from '../../src/decisions/tasks/task-store.js'
import { tempDir } from '../helpers/server.js'

const NOW = Date.parse('2026-11-26T10:00:00.000Z')

t.test('a task upsert holds the write lock from its first read: another writer waits, the upsert never fails', async (t) => {
  const dir = tempDir()
  const db = openDatabase({ dataDir: dir, synchronous: 'NORMAL', log: silentLog(), now: () => new Date(NOW).toISOString() })
  const other = new BetterSqlite3(dbPath(dir))
  other.pragma('busy_timeout = 0') // answers at once instead of waiting: the test runs on one thread
  t.teardown(() => { other.close(); db.close(); rmSync(dir, { recursive: true, force: true }) })
  other.exec('CREATE TABLE side_writes (x INTEGER)')

  // The clock is read inside the transaction, after the read of the live task and before the insert:
  // the moment the journal thread's commit would land.
  const attempts: string[] = []
  const clock = {
    now: () => {
      if (db.inTransaction) {
        try {
          other.prepare('INSERT INTO side_writes VALUES (1)').run()
          attempts.push('committed')
        } catch (err) {
          attempts.push((err as { code?: string }).code ?? 'error')
        }
      }
      return NOW
    }
  }
  const store = new TaskStore(db, clock)
  const out = store.upsertLive({ kind: 'count', sku: 'FOODS_1_001', location: 'S-01', why: { rule: 'test' } })
  t.equal(out.created, true, 'the task was created')
  t.ok(attempts.length > 0, 'another connection tried to commit in the middle of the transaction')
  t.notOk(attempts.includes('committed'), 'and could not: the transaction held the write lock from its start')
  t.ok(attempts.every((a) => a === 'SQLITE_BUSY'), `the other writer was told to wait (${attempts.join(', ')})`)
})

// The same rule for every transaction the server runs: each `.transaction(fn)` is run through its
// `.immediate` variant, so a new one written the deferred way fails here, not in a store.
t.test('every transaction in edge/src is begun IMMEDIATE', async (t) => {
  const src = fileURLToPath(new URL('../../src/', import.meta.url))
  const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'))
  const deferred: string[] = []
  let seen = 0
  for (const f of files) {
    const text = readFileSync(join(src, f), 'utf8')
    // `x = db.transaction(...)` keeps the function (called later as x.immediate(...)); otherwise the
    // call follows the argument list at once.
    for (const m of text.matchAll(/(?:(\w+)\s*=\s*)?[\w.]*\.transaction\(/g)) {
      const line = text.slice(text.lastIndexOf('\n', m.index) + 1, m.index)
      if (/^\s*(\/\/|\*|\/\*)/.test(line)) continue // a comment naming it
      seen++
      let i = m.index + m[0].length
      for (let depth = 1; depth > 0; i++) depth += text[i] === '(' ? 1 : text[i] === ')' ? -1 : 0
      const name = m[1]
      const ok = text.startsWith('.immediate(', i) ||
        (name !== undefined && !text.startsWith('(', i) && [...text.matchAll(new RegExp(`\\.${name}(\\.\\w+)?\\(`, 'g'))].every((c) => c[1] === '.immediate'))
      if (!ok) deferred.push(`${f}:${text.slice(0, m.index).split('\n').length}`)
    }
  }
  t.ok(seen >= 20, `found the transactions (${seen})`)
  t.same(deferred, [], 'none run deferred')
})
