// One batch to the relay over HTTP(S): gzip-compressed JSON, the store's token as a Bearer token,
// a time limit. node:https checks the relay's certificate and host name against the system's
// trusted CAs, or against `ca` (a private CA, config relayCaFile) when given.

import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { gzipSync } from 'node:zlib'

export interface PostResult { status: number, body: string }

/** The gzip body of a batch: compressed once, so the bandwidth cap can count its bytes before it goes. */
export function gzipJson (body: unknown): Buffer {
  return gzipSync(Buffer.from(JSON.stringify(body), 'utf8'))
}

export function postJson (url: string, token: string | null, data: Buffer, timeoutMs: number, ca?: Buffer): Promise<PostResult> {
  const u = new URL(url)
  const request = u.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    const req = request(u, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'content-length': data.length,
        ...(token !== null ? { authorization: `Bearer ${token}` } : {})
      },
      timeout: timeoutMs,
      ...(ca !== undefined && u.protocol === 'https:' ? { ca } : {})
    }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error(`no answer from the relay in ${timeoutMs} ms`)))
    req.on('error', reject)
    req.end(data)
  })
}
