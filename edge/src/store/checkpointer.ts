// Runs the checkpointer thread (checkpoint-worker.ts) beside the journal writer.

import { spawnStoreThread } from './threads.js'
import type { CheckpointData } from './checkpoint-worker.js'

export interface Checkpointer { close (): Promise<void> }

export function startCheckpointer (data: CheckpointData): Promise<Checkpointer> {
  // It allocates almost nothing: a small heap keeps its share of the appliance's memory small
  // (megabytes).
  const worker = spawnStoreThread('checkpoint-worker', data, { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 32 })
  return new Promise((resolve, reject) => {
    worker.once('error', reject)
    worker.once('message', () => resolve({
      close: () => new Promise<void>((done) => {
        worker.once('message', () => { void worker.terminate().then(() => done()) })
        worker.once('exit', () => done())
        worker.postMessage('close')
      })
    }))
  })
}
