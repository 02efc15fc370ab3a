// `store-edge health [--url URL] [--wait SECONDS] [--expect-version V]`: asks a store server's
// GET /api/v1/health until it answers status "ok" (and, with --expect-version, that version), then
// exits 0; after --wait seconds (default 0: one try) it exits 1 printing the last answer or error.
// The upgrade script waits on it after starting the new version: a wrong version counts as not
// healthy (the old server may still be answering).

import { configFrom } from './context.js'
import type { Out } from './out.js'

export const HEALTH_USAGE = 'usage: store-edge health [--url URL] [--wait SECONDS] [--expect-version V]'

export interface HealthOpts { config?: string, url?: string, wait?: string, 'expect-version'?: string, json: boolean }

interface Attempt { ok: boolean, detail: string, body?: Record<string, unknown> }

/** Milliseconds between tries, and the longest one try may take. */
const POLL_MS = 500
const TRY_MAX_MS = 5000

export async function healthCommand (args: string[], opts: HealthOpts, out: Out): Promise<number> {
  if (args.length > 0) { out.error(`store-edge: health takes no arguments\n${HEALTH_USAGE}`); return 2 }
  const waitS = opts.wait === undefined ? 0 : Number(opts.wait)
  if (!Number.isFinite(waitS) || waitS < 0) { out.error(`store-edge: --wait must be seconds, 0 or more (got "${opts.wait}")\n${HEALTH_USAGE}`); return 2 }
  const url = healthUrl(opts)
  if (url === null) { out.error(`store-edge: the config's httpPort is 0 (any free port), so the server's port is not known: pass --url\n${HEALTH_USAGE}`); return 2 }
  const expect = opts['expect-version']
  const deadline = Date.now() + waitS * 1000
  for (;;) {
    const left = deadline - Date.now()
    const attempt = await ask(url, expect, Math.min(TRY_MAX_MS, Math.max(1000, left)))
    if (attempt.ok) {
      const b = attempt.body!
      if (opts.json) out.line(JSON.stringify({ ok: true, url, ...b }))
      else out.line(`ok: store ${String(b.storeId)}, version ${String(b.version)}, schema ${String((b.database as { schemaVersion?: number } | undefined)?.schemaVersion)} (${url})`)
      return 0
    }
    if (Date.now() >= deadline) {
      if (opts.json) out.line(JSON.stringify({ ok: false, url, reason: attempt.detail, ...(attempt.body ?? {}) }))
      out.error(`store-edge: not healthy${waitS > 0 ? ` after ${waitS} s` : ''}: ${attempt.detail}`)
      return 1
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, Math.max(0, deadline - Date.now()))))
  }
}

/** --url as given (a base URL or the health URL itself), else the configured port on this machine. */
function healthUrl (opts: HealthOpts): string | null {
  let base = opts.url
  if (base === undefined) {
    const config = configFrom(opts)
    if (config.httpPort === 0) return null
    base = `http://${loopbackFor(config.host)}:${config.httpPort}`
  }
  base = base.replace(/\/+$/, '')
  return base.endsWith('/api/v1/health') ? base : `${base}/api/v1/health`
}

/** The address to reach a server bound to `host` from this machine. */
function loopbackFor (host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1'
  if (host === '::') return '[::1]'
  return host.includes(':') ? `[${host}]` : host
}

async function ask (url: string, expect: string | undefined, timeoutMs: number): Promise<Attempt> {
  let res: Response
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) })
  } catch (err) {
    const cause = (err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message
    return { ok: false, detail: `no answer from ${url}: ${cause}` }
  }
  let body: Record<string, unknown>
  try {
    body = await res.json() as Record<string, unknown>
  } catch {
    return { ok: false, detail: `${url} answered HTTP ${res.status} without JSON` }
  }
  if (res.status !== 200 || body.status !== 'ok') {
    const journal = (body.ingest as { journalError?: string | null } | undefined)?.journalError
    return { ok: false, body, detail: `${url} answered HTTP ${res.status}, status ${String(body.status)}${journal ? ` (journal: ${journal})` : ''}` }
  }
  if (expect !== undefined && body.version !== expect) {
    return { ok: false, body, detail: `${url} answered version ${String(body.version)}, expected ${expect}` }
  }
  return { ok: true, detail: 'ok', body }
}
