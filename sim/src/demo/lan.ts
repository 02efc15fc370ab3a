// Where the demo's store server listens (--host) and how a tablet on the store's LAN reaches it.
// The default, 127.0.0.1, keeps the panel, the API and MQTT on this machine; 0.0.0.0 puts them on
// every interface, and the banner then lists this machine's LAN addresses. The relay stays on
// loopback either way: only the store server talks to it.

import { createServer } from 'node:net'
import type { NetworkInterfaceInfo } from 'node:os'

export const LOOPBACK = '127.0.0.1'
export const ALL_INTERFACES = '0.0.0.0'

export interface LanAddress {
  /** The interface's name (eth0, wlan0, ...). */
  iface: string
  address: string
}

type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>

/** 127.0.0.0/8: reachable from this machine only. */
export function isLoopback (host: string): boolean {
  return host.startsWith('127.')
}

/** The address this machine's own clients (the simulator's devices, the printed local URL) use. */
export function localAddress (host: string): string {
  return host === ALL_INTERFACES ? LOOPBACK : host
}

/** This machine's IPv4 addresses other devices on the LAN can reach (non-internal), in interface order. */
export function lanAddresses (nets: Interfaces): LanAddress[] {
  const out: LanAddress[] = []
  for (const [iface, infos] of Object.entries(nets)) {
    for (const i of infos ?? []) if (i.family === 'IPv4' && !i.internal) out.push({ iface, address: i.address })
  }
  return out
}

/** What went wrong listening at host:port (an errno code), in the words of the demo's options. */
export function listenError (code: string | undefined, host: string, port: number, nets: Interfaces): string {
  switch (code) {
    case 'EADDRINUSE':
      return `--port ${port}: taken on ${host} (another program listens there); pass --port 0 (any free port) or another port`
    case 'EADDRNOTAVAIL': {
      const own = Object.values(nets).flatMap((infos) => (infos ?? []).filter((i) => i.family === 'IPv4').map((i) => i.address))
      return `--host ${host}: not an address of this machine (its IPv4 addresses: ${own.join(', ') || 'none'}); 0.0.0.0 listens on all of them`
    }
    case 'EACCES':
      return `--port ${port}: a port below 1024 needs more privileges than the demo has; pass a port above 1023 or --port 0`
    default:
      return `--host ${host} --port ${port}: cannot listen there (${code ?? 'unknown error'})`
  }
}

/**
 * Binds host:port once and lets go, before anything is started: a taken port or an address this
 * machine does not have is told at once, naming the option, rather than after the relay and the
 * server's start. (A program taking the port in between is still caught when the server binds.)
 */
export function listenProblem (host: string, port: number, nets: Interfaces): Promise<string | null> {
  return new Promise((resolve) => {
    const probe = createServer()
    probe.once('error', (err: NodeJS.ErrnoException) => resolve(listenError(err.code, host, port, nets)))
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(null)))
  })
}

/** The errno code of a failed listen in a failed start's message (the server child's stderr), or null. */
export function listenCodeIn (message: string): string | null {
  return /\blisten (EADDRINUSE|EADDRNOTAVAIL|EACCES)\b/.exec(message)?.[1] ?? null
}
