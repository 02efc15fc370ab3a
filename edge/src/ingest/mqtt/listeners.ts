// The broker's network listeners: MQTT over TCP, over TLS when a certificate is configured, and over
// WebSocket at /mqtt on the HTTP server. Every socket gets TCP_NODELAY: with Nagle's algorithm a
// QoS 1 round trip waits ~40 ms for the delayed ACK instead of ~0.2 ms.

import { readFileSync } from 'node:fs'
import { createServer, type AddressInfo, type Server } from 'node:net'
import type { Server as HttpServer, IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls'
import { WebSocketServer, createWebSocketStream } from 'ws'
import type { Aedes } from 'aedes'
import { EdgeError, Errors } from '../../core/errors.js'

/** Turns an accepted socket into the connection aedes reads (the packet size guard). */
export type Wrap = (socket: Duplex) => Duplex

export interface Listening {
  server: Server | TlsServer
  port: number
}

function listen (server: Server | TlsServer, host: string, port: number): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err)
    server.once('error', onError)
    server.listen(port, host, () => {
      server.off('error', onError)
      resolve({ server, port: (server.address() as AddressInfo).port })
    })
  })
}

export function listenTcp (aedes: Aedes, host: string, port: number, wrap: Wrap): Promise<Listening> {
  const server = createServer({ noDelay: true }, (socket) => aedes.handle(wrap(socket)))
  return listen(server, host, port)
}

export function listenTls (aedes: Aedes, host: string, port: number, certFile: string, keyFile: string, wrap: Wrap): Promise<Listening> {
  let cert: Buffer, key: Buffer
  try {
    cert = readFileSync(certFile)
    key = readFileSync(keyFile)
  } catch (err) {
    throw new EdgeError(Errors.CONFIG_INVALID, `config key "tlsCert"/"tlsKey": cannot read ${(err as Error).message}`)
  }
  const server = createTlsServer({ cert, key }, (socket) => {
    socket.setNoDelay(true)
    aedes.handle(wrap(socket))
  })
  return listen(server, host, port)
}

/** MQTT over WebSocket on the HTTP server's port, path /mqtt, subprotocol mqtt. */
export function attachWebSocket (aedes: Aedes, http: HttpServer, wrap: Wrap, path = '/mqtt'): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true, // mqtt.js offers 'mqtt' (3.1.1/5) or 'mqttv3.1'; anything else is not MQTT.
    handleProtocols: (protocols) => protocols.has('mqtt') ? 'mqtt' : protocols.has('mqttv3.1') ? 'mqttv3.1' : false })
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = req.url ?? ''
    if (url.split('?')[0] !== path) {
      socket.destroy()
      return
    }
    ;(socket as { setNoDelay?: (b: boolean) => void }).setNoDelay?.(true)
    wss.handleUpgrade(req, socket, head, (ws) => {
      const stream = createWebSocketStream(ws)
      stream.on('error', () => stream.destroy())
      aedes.handle(wrap(stream), req)
    })
  })
  return wss
}

export function closeServer (server: Server | TlsServer): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()))
}
