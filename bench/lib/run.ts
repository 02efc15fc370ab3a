// How a benchmark script ends, whichever it is: bounded in time (a stuck run aborts, cleaning up
// its server child and temp dirs), cleaned up on SIGINT/SIGTERM, the report on stdout and the
// figures as JSON under bench/out/<name>-<start time>.json.

import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface BenchRun<R extends { startedAt: string }> {
  /** File name prefix under `outDir`. */
  name: string
  outDir: string
  /** The run aborts (exit 1) after this long, milliseconds. */
  deadlineMs: number
  main: () => Promise<R>
  format: (results: R) => string
  /** What must be undone if the run is cut short (the script sets it while it holds resources). */
  abort: () => Promise<void> | undefined
  log: (msg: string) => void
}

export async function runBench<R extends { startedAt: string }> (o: BenchRun<R>): Promise<void> {
  const cleanup = (): Promise<void> => o.abort() ?? Promise.resolve()
  const deadline = setTimeout(() => {
    o.log(`still running after ${o.deadlineMs / 1000} s: aborting`)
    void cleanup().finally(() => process.exit(1))
  }, o.deadlineMs)
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => { o.log(`${sig}: cleaning up`); void cleanup().finally(() => process.exit(130)) })
  }
  try {
    const results = await o.main()
    process.stdout.write(o.format(results) + '\n')
    mkdirSync(o.outDir, { recursive: true })
    const file = join(o.outDir, `${o.name}-${results.startedAt.replace(/[:.]/g, '-')}.json`)
    writeFileSync(file, JSON.stringify(results, null, 2) + '\n')
    o.log(`figures written to ${file}`)
  } catch (err) {
    o.log(`failed: ${(err as Error).stack ?? String(err)}`)
    process.exitCode = 1
  } finally {
    clearTimeout(deadline)
  }
}
