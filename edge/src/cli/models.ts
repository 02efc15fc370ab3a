// `store-edge models`: the shelf-risk models of a running server, over its API (the models live in
// the server's memory; the CLI cannot swap them in the database behind its back). Changes are
// audited with actor "cli"; the admin token comes from the same config the server reads.

import { resolve } from 'node:path'
import { EdgeError, Errors } from '../core/errors.js'
import { configFrom } from './context.js'
import type { Out } from './out.js'

export const MODELS_USAGE = 'usage: store-edge models [status | candidate FILE | promote | rollback | drop] [--url URL] [--note TEXT]'

interface Model { version: string, sha256: string, kind: string, origin: string, explained: boolean, fileChanged?: string | null }
interface Report { n: number, auc: number | null, brier: number | null }

export async function modelsCommand (args: string[], opts: { config?: string, url?: string, note?: string, json: boolean }, out: Out): Promise<number> {
  const [sub = 'status', file] = args
  const config = configFrom(opts)
  const base = (opts.url ?? `http://127.0.0.1:${config.httpPort}`).replace(/\/$/, '')
  const call = async (method: string, path: string, body?: unknown): Promise<Record<string, any>> => {
    const headers: Record<string, string> = { 'x-edge-actor': 'cli' }
    if (config.adminToken) headers.authorization = `Bearer ${config.adminToken}`
    if (body !== undefined) headers['content-type'] = 'application/json'
    let res: Response
    try {
      res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    } catch (err) {
      throw new EdgeError(Errors.UNAVAILABLE, `cannot reach the store server at ${base}: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message} (is it running? --url)`)
    }
    const json = await res.json() as Record<string, any>
    if (!res.ok) {
      const e = json.error as { code: string, message: string } | undefined
      const spec = Object.values(Errors).find((s) => s.code === e?.code) ?? Errors.INTERNAL
      throw new EdgeError(spec, e?.message ?? `HTTP ${res.status}`)
    }
    return json
  }
  const note = opts.note !== undefined ? { note: opts.note } : {}
  const show = (label: string, m: Model | null): void => {
    out.line(m ? `${label}: ${m.version} (${m.kind}, sha256 ${m.sha256.slice(0, 12)}, ${m.origin}${m.explained ? '' : ', not explained'})${m.fileChanged ? ` - ${m.fileChanged}` : ''}` : `${label}: none`)
  }
  let body: Record<string, any>
  switch (sub) {
    case 'status': body = await call('GET', '/api/v1/models'); break
    case 'candidate':
      if (!file) { out.error(MODELS_USAGE); return 2 }
      body = await call('POST', '/api/v1/models/candidate', { path: resolve(file) })
      break
    case 'promote': body = await call('POST', '/api/v1/models/promote', note); break
    case 'rollback': body = await call('POST', '/api/v1/models/rollback', note); break
    case 'drop': body = await call('DELETE', '/api/v1/models/candidate'); break
    default:
      out.error(`store-edge: unknown models command "${sub}"\n${MODELS_USAGE}`)
      return 2
  }
  if (opts.json) { out.line(JSON.stringify(body)); return 0 }
  if (sub === 'status') {
    show('active', body.active)
    show('candidate', body.candidate)
    if (body.problem) out.line(`no model acts: ${body.problem.reason as string} - ${body.problem.detail as string}`)
    if (body.governance.calibrationDrift) out.line(`rules act: calibration drift - ${body.governance.calibrationDrift as string}`)
    out.line(`scores: ${Object.entries(body.scorers as Record<string, number>).map(([k, v]) => `${k} ${v}`).join(', ')}`)
    const m = body.monitoring as Record<string, Report | null>
    for (const role of ['active', 'candidate', 'rules']) {
      const r = m[role]
      if (r) out.line(`${role} over the window: ${r.n} confirmations, AUC ${r.auc ?? '-'}, Brier ${r.brier ?? '-'}`)
    }
  } else if (sub === 'candidate') show('candidate', body.candidate)
  else if (sub === 'drop') show('dropped', body.dropped)
  else { show('active', body.active); show('previous', body.previous) }
  return 0
}
