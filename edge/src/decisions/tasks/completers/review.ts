// Completing a receiving review: the associate looked at the discrepancy and decides, or a manager
// does on the panel (../review-decision.ts). 'accept': the receipt stands as scanned (the ERP
// already has the discrepancy from the outbox). 'recount': result.counts [{location, qty}] are
// posted as cycle counts (the journal corrects the record and writes the ERP-bound adjustment).
// Either way the discrepancy is marked resolved with the decision and time, in the transaction that
// marks the task done.

import { EdgeError, Errors } from '../../../core/errors.js'
import { AsnStore } from '../../../store/asns.js'
import { postCounts } from './post.js'
import type { Completer } from './types.js'

export const REVIEW_DECISIONS = ['accept', 'recount'] as const

export const completeReview: Completer = async (c) => {
  const { task, result: r } = c
  const decision = r.decision
  if (decision !== 'accept' && decision !== 'recount') {
    throw new EdgeError(Errors.REVIEW_DECISION, `result.decision must be "accept" or "recount", got ${JSON.stringify(decision ?? null)}`, { decision: decision ?? null })
  }
  const counts = r.counts ?? []
  if (decision === 'recount' && counts.length === 0) throw new EdgeError(Errors.REVIEW_DECISION, 'a recount needs result.counts [{location, qty}]')
  if (decision === 'accept' && counts.length > 0) throw new EdgeError(Errors.REVIEW_DECISION, 'an accepted receipt takes no counts; decide "recount" to post them')
  const events = await postCounts(c, counts, { reason: 'receiving_review', ...(c.decidedBy === undefined ? {} : { decidedBy: c.decidedBy }) })
  return {
    result: { decision, counts },
    events,
    inTx: (_tasks, db) => {
      new AsnStore(db).resolve(task.id, decision, c.at)
      return []
    }
  }
}
