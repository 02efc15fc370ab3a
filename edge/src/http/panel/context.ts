// What the panel's routes share, made once per app: the outbox rows reader, the alert board (it
// remembers when each alert was first raised), the poll that finds changes no source announces, and
// the open event streams (sign-out, account changes and expiry end a session's streams).

import { OutboxRows } from '../../store/outbox-rows.js'
import type { AppDeps } from '../deps.js'
import { AlertBoard } from './alerts.js'
import { OpenStreams } from './streams.js'
import { PanelWatch } from './watch.js'

export interface PanelContext {
  rows: OutboxRows
  board: AlertBoard
  watch: PanelWatch
  streams: OpenStreams
}

export function panelContext (deps: AppDeps): PanelContext {
  const rows = new OutboxRows(deps.db)
  const board = new AlertBoard(deps)
  const streams = new OpenStreams({ sessions: deps.sessions, log: deps.log.child({ module: 'stream' }), checkMs: deps.streamCheckMs })
  return { rows, board, watch: new PanelWatch(deps, rows, board, deps.changePollMs), streams }
}
