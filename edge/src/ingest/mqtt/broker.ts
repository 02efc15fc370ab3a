// The embedded MQTT broker (aedes) with the store's rules: each device authenticates as itself,
// publishes only under its own prefix, subscribes only to its own downlink, and a QoS 1 PUBACK is
// sent only after the message's events are committed. aedes writes the PUBACK right after
// authorizePublish calls back, so that callback is held until the commit.

import { Aedes, type Client, type AuthenticateError, type PublishPacket, type Subscription } from 'aedes'
import type { Log } from '../../core/log.js'
import type { Metrics } from '../../core/metrics.js'
import type { DeviceRegistry } from '../../store/devices.js'
import type { Ingest } from '../pipeline.js'
import { batteryOf } from '../battery.js'
import type { Presence } from '../presence.js'
import { classifyUplink, edgeStatusTopic, maySubscribe, tasksTopic } from './topics.js'

export interface BrokerOptions {
  storeId: string
  log: Log
  metrics: Metrics
  registry: DeviceRegistry
  ingest: Ingest
  presence: Presence
  version: string
  now: () => string
}

interface ClientDevice { id: string, profileId: string }

export interface EdgeBroker {
  aedes: Aedes
  /** Publishes the retained edge status (online at start, offline at shutdown). */
  publishStatus (status: 'online' | 'offline', extra?: Record<string, unknown>): Promise<void>
  /** Sends a command to a device's downlink, stores/{storeId}/devices/{id}/cmd/{name}. */
  publishToDevice (deviceId: string, name: string, payload: unknown): Promise<void>
  /** A task update for a handheld, stores/{storeId}/devices/{id}/tasks, QoS 1, not retained. */
  publishTasks (deviceId: string, payload: unknown): Promise<void>
  /** Closes a connected device's session (after revocation). */
  disconnect (deviceId: string): void
  close (): Promise<void>
}

// MQTT 3.1.1 CONNACK return codes [MQTT-3.2.2.3]: 4 bad user name or password, 5 not authorized.
const BAD_CREDENTIALS = 4
const NOT_AUTHORIZED = 5

function connackError (message: string, returnCode: number): AuthenticateError {
  const err = new Error(message) as AuthenticateError
  err.returnCode = returnCode
  return err
}

export async function createBroker (opts: BrokerOptions): Promise<EdgeBroker> {
  const { storeId, log, metrics, registry, ingest, presence } = opts
  const devices = new WeakMap<Client, ClientDevice>()
  const refuse = (reason: string, fields: Record<string, unknown>): void => {
    metrics.refused.inc({ reason })
    log.warn({ ...fields, reason }, 'mqtt refused')
  }

  const aedes = await Aedes.createBroker({
    // Device ids are up to 64 characters; aedes defaults to the 3.1 limit of 23.
    maxClientsIdLength: 64,
    authenticate (client, username, password, done) {
      const id = client.id
      if (username !== undefined && username !== id) {
        refuse('username_mismatch', { clientId: id, username })
        done(connackError('user name must equal the client id (the device id)', BAD_CREDENTIALS), false)
        return
      }
      if (!password) {
        refuse('no_secret', { clientId: id })
        done(connackError('the device secret is required as password', BAD_CREDENTIALS), false)
        return
      }
      const v = registry.verify(id, password.toString('utf8'))
      if (!v.ok) {
        refuse(v.reason === 'bad_secret' ? 'bad_secret' : v.reason === 'revoked' ? 'revoked' : 'unknown_device', { clientId: id })
        done(connackError('not authorized', v.reason === 'bad_secret' ? BAD_CREDENTIALS : NOT_AUTHORIZED), false)
        return
      }
      devices.set(client, { id, profileId: v.device.profileId })
      done(null, true)
    },
    authorizePublish (client, packet, done) {
      const device = client ? devices.get(client) : undefined
      if (!client || !device) {
        done(new Error('not authenticated'))
        return
      }
      const where = classifyUplink(storeId, device.id, packet.topic)
      switch (where.kind) {
        case 'outside':
        case 'downlink':
          // MQTT 3.1.1 has no negative PUBACK: the connection is closed [MQTT-3.3.5-2].
          refuse(where.kind === 'outside' ? 'publish_outside_prefix' : 'publish_to_downlink', { deviceId: device.id, topic: packet.topic })
          done(new Error(`device ${device.id} may not publish to ${packet.topic}`))
          return
        case 'heartbeat': {
          const pct = batteryOf(packet.payload as Buffer)
          if (pct !== null) presence.battery(device.id, device.profileId, pct)
          else presence.seen(device.id, device.profileId)
          done(null)
          return
        }
        case 'status': {
          // A device's last will (or a clean goodbye) on its own status topic.
          const pct = batteryOf(packet.payload as Buffer)
          if (/offline|dead|lost/i.test(packet.payload.toString('utf8'))) presence.offline(device.id, 'last_will')
          else if (pct !== null) presence.battery(device.id, device.profileId, pct)
          else presence.seen(device.id, device.profileId)
          done(null)
          return
        }
        case 'stream':
          presence.seen(device.id, device.profileId)
          ingest.deviceMessage({
            deviceId: device.id,
            profileId: device.profileId,
            stream: where.stream,
            raw: packet.payload as Buffer,
            transport: 'mqtt',
            channel: packet.topic
          }, (err) => done(err))
      }
    },
    authorizeSubscribe (client, sub: Subscription, done) {
      const device = client ? devices.get(client) : undefined
      if (!device || !maySubscribe(storeId, device.id, sub.topic)) {
        refuse('subscribe_outside_downlink', { deviceId: device?.id ?? client?.id, topic: sub.topic })
        // A null subscription is granted as 0x80, failure [MQTT-3.9.3].
        done(null, null)
        return
      }
      done(null, sub)
    }
  })

  // aedes keeps connected clients by id but its typings do not declare the map.
  const clients = (): Record<string, Client | undefined> => (aedes as unknown as { clients: Record<string, Client> }).clients

  aedes.on('client', () => metrics.mqttClients.inc())
  aedes.on('clientDisconnect', (client: Client) => {
    metrics.mqttClients.dec()
    const device = devices.get(client)
    // A takeover by a new session with the same id is not the device going offline.
    if (device && clients()[client.id] === undefined) presence.offline(device.id, 'disconnected')
  })
  aedes.on('clientError', (client: Client, err: Error) => {
    log.debug({ clientId: client.id, err: err.message }, 'mqtt client error')
  })
  aedes.on('connectionError', (_client: Client, err: Error) => {
    log.debug({ err: err.message }, 'mqtt connection error')
  })

  const publish = (packet: Partial<PublishPacket> & { topic: string, payload: Buffer }): Promise<void> =>
    new Promise((resolve, reject) => {
      aedes.publish({ cmd: 'publish', qos: 1, retain: false, dup: false, ...packet } as PublishPacket, (err) => err ? reject(err) : resolve())
    })

  return {
    aedes,
    publishStatus (status, extra = {}) {
      const payload = Buffer.from(JSON.stringify({ status, storeId, version: opts.version, at: opts.now(), ...extra }))
      return publish({ topic: edgeStatusTopic(storeId), payload, retain: true })
    },
    publishToDevice (deviceId, name, payload) {
      return publish({ topic: `stores/${storeId}/devices/${deviceId}/cmd/${name}`, payload: Buffer.from(JSON.stringify(payload)) })
    },
    publishTasks (deviceId, payload) {
      return publish({ topic: tasksTopic(storeId, deviceId), payload: Buffer.from(JSON.stringify(payload)) })
    },
    disconnect (deviceId) {
      const c = clients()[deviceId]
      if (c) c.close()
    },
    close () {
      return new Promise((resolve) => aedes.close(() => resolve()))
    }
  }
}
