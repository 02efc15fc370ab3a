// The Mosquitto reference's one subscriber: QoS 1 on the run's topic prefix, acknowledging every
// message and counting what arrives. It runs on a worker thread (subscriber-worker.ts) so its
// PUBACKs are not queued behind the generator's publishing. `workerFile` is the compiled
// subscriber-worker.js (see compile.ts).

import { Worker } from 'node:worker_threads'
import type { Endpoint } from './client.js'

export class Subscriber {
  private constructor (private readonly worker: Worker, private readonly counts: Int32Array) {}

  get received (): number { return Atomics.load(this.counts, 0) }

  static async open (workerFile: string, ep: Endpoint, clientId: string, filter: string): Promise<Subscriber> {
    const shared = new SharedArrayBuffer(4)
    const worker = new Worker(workerFile, {
      execArgv: [],
      workerData: { host: ep.host, port: ep.port, clientId, filter, counts: shared }
    })
    await new Promise<void>((resolve, reject) => {
      worker.once('error', reject)
      worker.once('exit', (code) => reject(new Error(`subscriber exited (${code}) before subscribing`)))
      worker.once('message', () => resolve())
    })
    worker.removeAllListeners('exit')
    return new Subscriber(worker, new Int32Array(shared))
  }

  /** Resolves once `count` messages arrived, or after quietMs without a new one. */
  async settle (count: number, quietMs: number): Promise<void> {
    let last = this.received
    let since = performance.now()
    while (this.received < count) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      if (this.received !== last) { last = this.received; since = performance.now() }
      if (performance.now() - since > quietMs) return
    }
  }

  async close (): Promise<void> {
    const closed = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()))
    this.worker.postMessage({ type: 'close' })
    const timer = setTimeout(() => { void this.worker.terminate() }, 5000)
    await closed
    clearTimeout(timer)
  }
}
