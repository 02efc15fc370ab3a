// `store-edge serve`: the store server until SIGTERM or SIGINT, then a drain and exit 0. Under a
// systemd Type=notify unit it tells systemd when it is ready, beats the watchdog while healthy and
// says when it stops (core/systemd-notify.ts).

import { startServer, type EdgeServer } from '../main.js'
import { createLog } from '../core/log.js'
import { SystemdNotifier, type NotifySend } from '../core/systemd-notify.js'
import { configFrom } from './context.js'
import type { Out } from './out.js'

export interface ServeDeps {
  /** Where NOTIFY_SOCKET and WATCHDOG_USEC come from (process.env). */
  env?: NodeJS.ProcessEnv
  /** Replaces the systemd-notify program. */
  send?: NotifySend
}

export async function serveCommand (opts: { config?: string }, _out: Out, deps: ServeDeps = {}): Promise<number> {
  const config = configFrom(opts)
  const log = createLog({ level: config.logLevel })
  const notifier = new SystemdNotifier({ env: deps.env ?? process.env, log: log.child({ module: 'systemd' }), send: deps.send })
  const server = await startServer({ config, log })
  notifier.ready(`serving store ${config.storeId}: http port ${server.ports.http}, mqtt port ${server.ports.mqtt}`)
  notifier.startWatchdog(() => serverProblem(server))
  return await new Promise<number>((resolve) => {
    const stop = (signal: string): void => {
      log.info({ signal }, 'signal received')
      notifier.stopping(`draining after ${signal}`)
      server.close().then(() => 0, (err) => {
        log.error({ err }, 'shutdown failed')
        return 1
      }).then(async (code) => {
        await notifier.close()
        resolve(code)
      }, () => resolve(1))
    }
    process.once('SIGTERM', () => stop('SIGTERM'))
    process.once('SIGINT', () => stop('SIGINT'))
  })
}

/**
 * What keeps the watchdog from beating: a journal thread that stopped committing (/api/v1/health
 * answers 503 then too), or a database that does not answer a read of its own schema table.
 */
export function serverProblem (server: Pick<EdgeServer, 'db' | 'journalFailure'>): string | null {
  const failure = server.journalFailure()
  if (failure !== null) return `the journal cannot commit: ${failure.message}`
  try {
    server.db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get()
  } catch (err) {
    return `the database does not answer: ${(err as Error).message}`
  }
  return null
}
