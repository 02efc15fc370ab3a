// Whether the relay's host takes a TCP connection: a cheap look, every few seconds while a send is
// backing off after a network failure, so the backlog goes the moment the link is back rather than
// at the end of a backoff of up to minutes.

import { connect } from 'node:net'

export function probeLink (url: string, timeoutMs: number): Promise<boolean> {
  const u = new URL(url)
  const port = u.port !== '' ? Number(u.port) : u.protocol === 'https:' ? 443 : 80
  return new Promise((resolve) => {
    const socket = connect({ host: u.hostname, port })
    const done = (ok: boolean): void => { socket.destroy(); resolve(ok) }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}
