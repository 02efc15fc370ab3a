// What the panel's routes share, made once per app: the outbox rows reader, the alert board (it
// remembers when each alert was first raised) and the poll that finds changes no source announces.

import { OutboxRows } from '../../store/outbox-rows.js'
import type { AppDeps } from '../deps.js'
import { AlertBoard } from './alerts.js'
import { PanelWatch } from './watch.js'

export interface PanelContext {
  rows: OutboxRows
  board: AlertBoard
  watch: PanelWatch
}

export function panelContext (deps: AppDeps): PanelContext {
  const rows = new OutboxRows(deps.db)
  const board = new AlertBoard(deps)
  return { rows, board, watch: new PanelWatch(deps, rows, board, deps.changePollMs) }
}
