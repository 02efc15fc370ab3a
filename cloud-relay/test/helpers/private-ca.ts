// A throwaway private CA and server certificates it signs, made with openssl (a Debian package
// .ci/run installs): what a headquarters with its own PKI hands its relay and its stores.

import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface PrivateCa { caCert: string, caKey: string, dir: string }

function openssl (args: string[]): void {
  execFileSync('openssl', args, { stdio: 'ignore' })
}

export function makePrivateCa (dir: string): PrivateCa {
  const caKey = join(dir, 'ca.key')
  const caCert = join(dir, 'ca.crt')
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', caKey, '-out', caCert, '-days', '2', '-subj', '/CN=store-edge test HQ CA'])
  return { caCert, caKey, dir }
}

/** A server certificate for `san` (e.g. 'IP:127.0.0.1' or 'DNS:relay.example'), signed by the CA. */
export function issueServerCert (ca: PrivateCa, name: string, san: string): { cert: string, key: string } {
  const key = join(ca.dir, `${name}.key`)
  const csr = join(ca.dir, `${name}.csr`)
  const cert = join(ca.dir, `${name}.crt`)
  const ext = join(ca.dir, `${name}.ext`)
  writeFileSync(ext, `subjectAltName=${san}\nextendedKeyUsage=serverAuth\n`)
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${name}`])
  openssl(['x509', '-req', '-in', csr, '-CA', ca.caCert, '-CAkey', ca.caKey, '-CAcreateserial', '-out', cert, '-days', '2', '-extfile', ext])
  return { cert, key }
}
