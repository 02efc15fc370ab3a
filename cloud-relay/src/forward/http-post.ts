// One JSON POST to the ERP over node:http(s) with kept-alive connections and a time limit on the
// whole call. Not fetch: a forwarder makes one call per event, and fetch (undici, web streams) costs
// about three times the CPU per call of node:http here (bench:relay measured ~0.8 ms against
// ~0.26 ms per event, both ends counted), which made forwarding the relay's slowest part.

import { Agent as HttpAgent, request as httpRequest } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'

export interface HttpAnswer { status: number, text: string }

// Connections kept open between calls; a few per ERP host (each worker has one call in flight).
const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 16 })
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 16 })

/** Rejects on a network error or when no full answer came within timeoutMs (milliseconds). */
export function postJsonText (url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<HttpAnswer> {
  const u = new URL(url)
  const https = u.protocol === 'https:'
  const data = Buffer.from(body, 'utf8')
  return new Promise((resolve, reject) => {
    const req = (https ? httpsRequest : httpRequest)(u, {
      method: 'POST',
      agent: https ? httpsAgent : httpAgent,
      headers: { 'content-type': 'application/json', ...headers, 'content-length': data.length }
    }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => { clearTimeout(timer); resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }) })
      res.on('error', (err) => { clearTimeout(timer); reject(err) })
    })
    const timer = setTimeout(() => req.destroy(new Error(`timed out: no answer in ${timeoutMs} ms`)), timeoutMs)
    req.on('error', (err) => { clearTimeout(timer); reject(err) })
    req.end(data)
  })
}
