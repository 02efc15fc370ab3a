// The relay's own HTTPS (RELAY_TLS_CERT_FILE and RELAY_TLS_KEY_FILE), for a headquarters without a
// TLS-terminating proxy in front. Read once at start; a file that cannot be read, or that is not
// PEM of the right kind, stops start-up naming the key and the path.

import { readFileSync } from 'node:fs'
import type { RelayConfig } from './config.js'
import { RelayErrors, RelayStorageError } from './storage/errors.js'

export interface RelayTls { cert: Buffer, key: Buffer }

function readPem (key: string, file: string, marker: RegExp, what: string): Buffer {
  let pem: Buffer
  try {
    pem = readFileSync(file)
  } catch (err) {
    throw new RelayStorageError(RelayErrors.CONFIG_INVALID, `relay config "${key}" is invalid: cannot read ${file}: ${(err as Error).message}`)
  }
  if (!marker.test(pem.toString('utf8'))) throw new RelayStorageError(RelayErrors.CONFIG_INVALID, `relay config "${key}" is invalid: ${file} holds no PEM ${what}`)
  return pem
}

export function readRelayTls (config: Pick<RelayConfig, 'tlsCertFile' | 'tlsKeyFile'>): RelayTls | null {
  if (config.tlsCertFile === null || config.tlsKeyFile === null) return null
  return {
    cert: readPem('tlsCertFile', config.tlsCertFile, /-----BEGIN CERTIFICATE-----/, 'certificate'),
    key: readPem('tlsKeyFile', config.tlsKeyFile, /-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'private key')
  }
}
