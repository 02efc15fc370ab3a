// Starts one of the store's worker threads (the journal writer, the checkpointer) from this folder.

import { Worker, type ResourceLimits } from 'node:worker_threads'

/**
 * `name` is the module's base name. Compiled, the thread runs the .js beside this file. From
 * TypeScript sources (tests, tsx) tsx's loader does not reach worker threads, so the thread
 * registers it before it loads the .ts entry.
 */
export function spawnStoreThread (name: string, workerData: unknown, resourceLimits?: ResourceLimits): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, import.meta.url), { workerData, resourceLimits })
  const tsx = import.meta.resolve('tsx/esm/api')
  const entry = new URL(`./${name}.ts`, import.meta.url).href
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}) })`
  return new Worker(boot, { eval: true, workerData, resourceLimits })
}
