// Which completer completes which kind. A kind without one cannot be completed yet (TASK_STATE).

import type { TaskKind } from '../types.js'
import { completeCount } from './count.js'
import { completeFill } from './fill.js'
import { completePutaway } from './putaway.js'
import { completeReview } from './review.js'
import type { Completer } from './types.js'

export const COMPLETERS: Partial<Record<TaskKind, Completer>> = {
  fill: completeFill,
  count: completeCount,
  putaway: completePutaway,
  review: completeReview
}
