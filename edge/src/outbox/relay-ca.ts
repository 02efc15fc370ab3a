// The CA(s) the store trusts for the relay's certificate (config relayCaFile): for a headquarters
// that signs its relay with a private CA. Read once at start-up; a file that cannot be read or holds
// no PEM certificate stops start-up naming the key and the path, rather than failing every send.
// Without it the system's trusted CAs apply; the certificate and host name are checked either way.

import { readFileSync } from 'node:fs'
import { EdgeError, Errors } from '../core/errors.js'
import { postJson, type PostResult } from './post.js'

export type RelayPost = (url: string, token: string | null, body: Buffer, timeoutMs: number) => Promise<PostResult>

export function readRelayCa (file: string | null): Buffer | undefined {
  if (file === null) return undefined
  let pem: Buffer
  try {
    pem = readFileSync(file)
  } catch (err) {
    throw new EdgeError(Errors.CONFIG_INVALID, `config key "relayCaFile" is invalid: cannot read ${file}: ${(err as Error).message}`, { key: 'relayCaFile', file })
  }
  if (!pem.toString('utf8').includes('-----BEGIN CERTIFICATE-----')) {
    throw new EdgeError(Errors.CONFIG_INVALID, `config key "relayCaFile" is invalid: ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`, { key: 'relayCaFile', file })
  }
  return pem
}

/** Posts to the relay trusting `ca` when given (in place of the system's CAs). */
export function relayPoster (ca: Buffer | undefined): RelayPost {
  return (url, token, body, timeoutMs) => postJson(url, token, body, timeoutMs, ca)
}
