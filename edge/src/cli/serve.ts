import { startServer } from '../main.js'
import { createLog } from '../core/log.js'
import { configFrom } from './context.js'
import type { Out } from './out.js'

/** Runs until SIGTERM or SIGINT, then drains and exits 0. */
export async function serveCommand (opts: { config?: string }, _out: Out): Promise<number> {
  const config = configFrom(opts)
  const log = createLog({ level: config.logLevel })
  const server = await startServer({ config, log })
  return await new Promise<number>((resolve) => {
    const stop = (signal: string): void => {
      log.info({ signal }, 'signal received')
      server.close().then(() => resolve(0), (err) => {
        log.error({ err }, 'shutdown failed')
        resolve(1)
      })
    }
    process.once('SIGTERM', () => stop('SIGTERM'))
    process.once('SIGINT', () => stop('SIGINT'))
  })
}
