// Waits until a URL answers 200, for the installer's health check of the cloud relay (the store
// server has `store-edge health`): `node wait-http.mjs URL SECONDS`. Exit 0 once it answers 200,
// 1 when SECONDS pass, printing the last answer or error. An https URL is this box's own relay, so
// its certificate is not checked (it may be for another name or a private CA). Plain JavaScript:
// it runs on the box, where there is no TypeScript loader.

import { get as httpGet } from 'node:http'
import { get as httpsGet } from 'node:https'

const [url, seconds] = process.argv.slice(2)
if (url === undefined || !/^\d+$/.test(seconds ?? '')) {
  process.stderr.write('usage: wait-http.mjs URL SECONDS\n')
  process.exit(2)
}

function once () {
  return new Promise((resolve) => {
    const get = url.startsWith('https:') ? httpsGet : httpGet
    const req = get(url, { rejectUnauthorized: false, timeout: 5000 }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c) => { body += c })
      res.on('end', () => resolve({ ok: res.statusCode === 200, why: `HTTP ${res.statusCode}: ${body.slice(0, 300)}` }))
    })
    req.on('timeout', () => req.destroy(new Error('no answer in 5 s')))
    req.on('error', (err) => resolve({ ok: false, why: err.message }))
  })
}

const deadline = Date.now() + Number(seconds) * 1000
let last = { ok: false, why: 'not tried' }
while (Date.now() < deadline) {
  last = await once()
  if (last.ok) process.exit(0)
  await new Promise((resolve) => setTimeout(resolve, 1000))
}
process.stderr.write(`${url}: not healthy after ${seconds} s: ${last.why}\n`)
process.exit(1)
