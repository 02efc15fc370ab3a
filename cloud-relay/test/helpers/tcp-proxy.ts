// A TCP proxy for fault tests, between a client (the store server) and a server (the relay), that
// misbehaves on demand like a real WAN link does:
// - pass: bytes go through both ways;
// - cut: every open connection is destroyed and new ones are refused (nothing listens: ECONNREFUSED)
//   until healed;
// - stall: connections are accepted and held open but no byte goes either way (or, with 'down',
//   requests go through and answers are held: the server acted but the client never hears) until
//   healed, when the held bytes flow again;
// - reset: every open connection and every new one gets a TCP RST (socket.resetAndDestroy()).
// heal() returns to pass.

import { createServer, connect, type Server, type Socket } from 'node:net'

export type ProxyMode = 'pass' | 'cut' | 'stall' | 'reset'

export interface TcpProxy {
  readonly port: number
  /** http://127.0.0.1:<port> */
  readonly url: string
  readonly mode: ProxyMode
  /** Connections accepted since start (refused ones while cut are not seen at all). */
  readonly accepted: number
  /** Connections open now. */
  readonly open: number
  /**
   * Sees each chunk from a client before it is forwarded, to apply a fault at an exact point (say,
   * the n-th request): a stall applied from here still lets this chunk through.
   */
  onRequestBytes: ((chunk: Buffer) => void) | null
  cut (): Promise<void>
  /** 'both': nothing moves; 'down': requests reach the server, its answers are held. */
  stall (direction?: 'both' | 'down'): void
  reset (): void
  heal (): Promise<void>
  close (): Promise<void>
}

interface Pair { client: Socket, server: Socket }

export async function startTcpProxy (target: { host?: string, port: number }): Promise<TcpProxy> {
  const host = target.host ?? '127.0.0.1'
  const pairs = new Set<Pair>()
  let mode: ProxyMode = 'pass'
  let stalled: 'both' | 'down' | null = null
  let accepted = 0
  let port = 0

  // One direction of a pair: forwards unless stalled, with backpressure (a full receiver pauses the sender).
  const flow = (from: Socket, to: Socket, held: () => boolean, look?: (chunk: Buffer) => void): void => {
    from.on('data', (chunk: Buffer) => {
      look?.(chunk)
      if (!to.write(chunk) && !held()) {
        from.pause()
        to.once('drain', () => { if (!held()) from.resume() })
      }
    })
    from.on('end', () => to.end())
  }
  const upHeld = (): boolean => stalled === 'both'
  const downHeld = (): boolean => stalled !== null

  const server: Server = createServer({ pauseOnConnect: true }, (client) => {
    accepted++
    if (mode === 'reset') { client.resetAndDestroy(); return }
    const upstream = connect({ host, port: target.port })
    const pair: Pair = { client, server: upstream }
    pairs.add(pair)
    const drop = (): void => { pairs.delete(pair); client.destroy(); upstream.destroy() }
    client.on('error', drop).on('close', drop)
    upstream.on('error', drop).on('close', drop)
    flow(client, upstream, upHeld, (chunk) => proxy.onRequestBytes?.(chunk))
    flow(upstream, client, downHeld)
    // Paused sockets keep their bytes in the kernel; resumed once connected, unless stalled.
    upstream.pause()
    upstream.once('connect', () => {
      if (!upHeld()) client.resume()
      if (!downHeld()) upstream.resume()
    })
  })

  const listen = (p: number): Promise<void> => new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(p, '127.0.0.1', () => { server.off('error', reject); resolve() })
  })
  const stopListening = (): Promise<void> => new Promise((resolve) => { server.close(() => resolve()) })

  await listen(0)
  port = (server.address() as { port: number }).port

  const proxy: TcpProxy = {
    get port () { return port },
    get url () { return `http://127.0.0.1:${port}` },
    get mode () { return mode },
    get accepted () { return accepted },
    get open () { return pairs.size },
    onRequestBytes: null,
    async cut () {
      mode = 'cut'
      stalled = null
      const closed = stopListening()
      for (const p of pairs) { p.client.destroy(); p.server.destroy() }
      pairs.clear()
      await closed
    },
    stall (direction = 'both') {
      mode = 'stall'
      stalled = direction
      for (const p of pairs) {
        p.server.pause()
        if (direction === 'both') p.client.pause()
      }
    },
    reset () {
      mode = 'reset'
      stalled = null
      for (const p of pairs) { p.client.resetAndDestroy(); p.server.resetAndDestroy() }
      pairs.clear()
    },
    async heal () {
      // Listening again on the same port: clients keep their configured URL. (SO_REUSEADDR is set
      // by Node, so the closed listener's port is free at once unless someone else took it.)
      if (mode === 'cut') await listen(port)
      mode = 'pass'
      stalled = null
      for (const p of pairs) { p.client.resume(); p.server.resume() }
    },
    async close () {
      mode = 'cut'
      const closed = server.listening ? stopListening() : Promise.resolve()
      for (const p of pairs) { p.client.destroy(); p.server.destroy() }
      pairs.clear()
      await closed
    }
  }
  return proxy
}
