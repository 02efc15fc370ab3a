// The Mosquitto reference's subscriber on its own thread: on the generator's event loop it would
// answer Mosquitto's deliveries only between publish bursts, and Mosquitto (20 QoS 1 messages in
// flight per client by default) would relay only as fast as that. Counts into shared memory.

import { parentPort, workerData } from 'node:worker_threads'
import { RawClient } from './client.js'

const { host, port, clientId, filter, counts } = workerData as { host: string, port: number, clientId: string, filter: string, counts: SharedArrayBuffer }
const received = new Int32Array(counts)
let n = 0

const client = await RawClient.open({ host, port }, { clientId, keepaliveS: 60, clean: true }, {
  message: () => { n++ },
  afterRead: () => { Atomics.store(received, 0, n) }
})
await client.subscribe(filter, 1)
parentPort!.postMessage({ type: 'ready' })
parentPort!.on('message', (m: { type: string }) => {
  if (m.type === 'close') void client.close().then(() => { parentPort!.postMessage({ type: 'closed' }); parentPort!.close() })
})
