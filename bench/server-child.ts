// The store server as the bench's child process, so the load generator does not share its event
// loop. Configured from EDGE_* variables (the bench sets data dir, ports 0, log level); tells the
// parent its bound ports over IPC, and drains and exits on SIGTERM like `store-edge serve`.
// On request it reports process.memoryUsage(), and CPU-profiles a window (the inspector's sampling
// profiler) into a .cpuprofile.

import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { loadConfig, resolvePaths } from '../edge/src/core/config.js'
import { createLog } from '../edge/src/core/log.js'
import { startServer } from '../edge/src/main.js'
import { SHIPPED_PROFILES_DIR } from '../edge/src/profiles/loader.js'

const config = resolvePaths(loadConfig({ env: process.env }), SHIPPED_PROFILES_DIR)
const log = createLog({ level: config.logLevel })
const server = await startServer({ config, log })
process.send?.({ type: 'listening', ports: server.ports, pid: process.pid })

let session: Session | null = null
process.on('message', (msg: { type: string, file?: string, gc?: boolean }) => {
  void (async () => {
    if (msg.type === 'memory') {
      // A full collection first, when asked (the bench starts this child with --expose-gc): tells
      // live memory from garbage not yet collected.
      if (msg.gc) (globalThis as { gc?: () => void }).gc?.()
      process.send?.({ type: 'memory', usage: process.memoryUsage() })
    } else if (msg.type === 'profile-start' && session === null) {
      session = new Session()
      session.connect()
      await session.post('Profiler.enable')
      // Microseconds between samples; the default 1 ms misses short functions at 40k msg/s.
      await session.post('Profiler.setSamplingInterval', { interval: 200 })
      await session.post('Profiler.start')
      process.send?.({ type: 'profile-started' })
    } else if (msg.type === 'profile-stop' && session !== null) {
      const { profile } = await session.post('Profiler.stop')
      session.disconnect()
      session = null
      writeFileSync(msg.file!, JSON.stringify(profile))
      process.send?.({ type: 'profile-written', file: msg.file })
    }
  })()
})

let stopping = false
const stop = (): void => {
  if (stopping) return
  stopping = true
  server.close().then(() => process.exit(0), (err) => {
    log.error({ err }, 'shutdown failed')
    process.exit(1)
  })
}
process.once('SIGTERM', stop)
process.once('SIGINT', stop)
// The parent went away (crashed, killed): do not linger.
process.on('disconnect', stop)
