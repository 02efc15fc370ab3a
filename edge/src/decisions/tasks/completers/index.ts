// Which completer completes which kind. A kind without one cannot be completed yet (TASK_STATE).

import type { TaskKind } from '../types.js'
import { completeCount } from './count.js'
import { completeFill } from './fill.js'
import type { Completer } from './types.js'

export const COMPLETERS: Partial<Record<TaskKind, Completer>> = {
  fill: completeFill,
  count: completeCount
}
