// A throwaway PostgreSQL 15 cluster for fault tests, so a test can crash and restart "the
// database" without touching the machine's shared server on 5432 (CI and other tests use it).
// initdb into a temp dir owned by the `postgres` OS user (the server refuses to run as root), trust
// auth, listening on 127.0.0.1 at a free port with its unix socket in the temp dir; fsync off (see
// the settings below). Torn down with the test, failed or not.
// Missing binaries fail the test loudly: CI has them, and a skipped fault test proves nothing.

import { execFile, execFileSync } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const PG_BIN = process.env.RELAY_TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin'

export interface PgCluster {
  /** postgresql://postgres@127.0.0.1:<port>/postgres */
  url: string
  port: number
  dir: string
  /** Starts the server and waits until it takes connections. */
  start (): Promise<void>
  /** immediate = a crash (no checkpoint, every connection cut); fast = a clean shutdown. */
  stop (mode?: 'immediate' | 'fast'): Promise<void>
  restart (mode?: 'immediate' | 'fast'): Promise<void>
  /** The server's own log, for a failing test's message. */
  log (): string
  /** Stops the server (immediate) and removes the directory; safe to call twice. */
  teardown (): Promise<void>
}

interface Tap { teardown (fn: () => unknown): void }

function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolve(port))
    })
  })
}

/** The command line that runs a PostgreSQL binary as the `postgres` user when we are root. */
function asPostgres (bin: string, args: string[]): [string, string[]] {
  const path = join(PG_BIN, bin)
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args]
}

function run (bin: string, args: string[], timeoutMs = 60_000): Promise<string> {
  const [cmd, argv] = asPostgres(bin, args)
  return new Promise((resolve, reject) => {
    execFile(cmd, argv, { timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err !== null) reject(new Error(`${bin} ${args.join(' ')} failed: ${err.message}\n${stderr}${stdout}`))
      else resolve(stdout)
    })
  })
}

/** initdb + start; the cluster is stopped and removed when the test ends. */
export async function startPgCluster (t: Tap): Promise<PgCluster> {
  for (const bin of ['initdb', 'pg_ctl', 'postgres']) {
    if (!existsSync(join(PG_BIN, bin))) throw new Error(`PostgreSQL 15 binary ${join(PG_BIN, bin)} not found: install postgresql-15 (or set RELAY_TEST_PG_BIN); this fault test needs its own cluster`)
  }
  const dir = mkdtempSync(join(tmpdir(), 'relay-pg-'))
  const data = join(dir, 'data')
  const logFile = join(dir, 'server.log')
  let running = false
  let removed = false

  const removeNow = (): void => {
    if (removed) return
    removed = true
    if (running) {
      // Synchronous on purpose: this also runs from process 'exit', where nothing async runs.
      const [cmd, argv] = asPostgres('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w'])
      try { execFileSync(cmd, argv, { stdio: 'ignore', timeout: 30_000 }) } catch {}
      running = false
    }
    rmSync(dir, { recursive: true, force: true })
  }
  // A test process that dies without its teardown (an uncaught error) still leaves no server behind.
  process.once('exit', removeNow)
  const teardown = async (): Promise<void> => {
    process.removeListener('exit', removeNow)
    if (running && !removed) { await run('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w']).catch(() => {}); running = false }
    removeNow()
  }
  t.teardown(teardown)

  if (process.getuid?.() === 0) {
    const pgUser = Number(execFileSync('id', ['-u', 'postgres']).toString().trim())
    const pgGroup = Number(execFileSync('id', ['-g', 'postgres']).toString().trim())
    chownSync(dir, pgUser, pgGroup)
  }
  // -N: no fsync during initdb (a couple of seconds instead of several).
  await run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale', 'C', '-N'])
  appendFileSync(join(data, 'postgresql.conf'), [
    '',
    '# throwaway test cluster (cloud-relay/test/helpers/pg-cluster.ts)',
    "listen_addresses = '127.0.0.1'",
    `unix_socket_directories = '${dir}'`,
    // A crash here is the server process dying, never the OS: what reached the OS survives it, so
    // fsync and full-page writes can go. synchronous_commit must stay on: off, a crash loses commits
    // already acknowledged (the relay would lose batches it answered 200 for; this test caught that).
    'fsync = off',
    'full_page_writes = off',
    'max_connections = 100',
    'shared_buffers = 32MB',
    ''
  ].join('\n'))
  writeFileSync(logFile, '')
  if (process.getuid?.() === 0) execFileSync('chown', ['postgres:postgres', logFile])

  let port = 0
  const cluster: PgCluster = {
    get url () { return `postgresql://postgres@127.0.0.1:${port}/postgres` },
    get port () { return port },
    dir,
    async start () {
      await run('pg_ctl', ['start', '-D', data, '-l', logFile, '-w', '-t', '30'])
      running = true
    },
    async stop (mode = 'fast') {
      await run('pg_ctl', ['stop', '-D', data, '-m', mode, '-w', '-t', '30'])
      running = false
    },
    async restart (mode = 'fast') {
      await cluster.stop(mode)
      await cluster.start()
    },
    log: () => { try { return readFileSync(logFile, 'utf8') } catch { return '' } },
    teardown
  }
  // The free port may be taken by someone else before the server binds it: another one then.
  for (let attempt = 1; ; attempt++) {
    port = await freePort()
    appendFileSync(join(data, 'postgresql.conf'), `port = ${port}\n`) // the last setting wins
    try {
      await cluster.start()
      break
    } catch (err) {
      if (attempt >= 3) throw new Error(`${(err as Error).message}\n${cluster.log()}`)
    }
  }
  return cluster
}
