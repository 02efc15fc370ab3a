// The phantom evidence the feature book keeps per SKU-location (scoring/features/phantom.ts): the
// silence since the last sale or settling look and the sales the profile expected in it, the empty
// looks since then; a sale, a count, a fill or a shelf check that saw units clears them, and the
// estimate follows.

import t from 'tap'
import { estimate } from '../../src/decisions/phantom/estimate.js'
import { DAY, HOUR, MONDAY, ev, newBook, sale } from '../scoring/features-fixture.js'

const evidenceOf = (f: ReturnType<ReturnType<typeof newBook>['phantom']>) =>
  estimate({ onHand: f.onHand, expectedSales: f.expectedSales, silentH: f.silentH, looks: f.marks.map((m) => ({ kind: m.kind, eventId: String(m.seq), at: '' })), shortFills: [] })

/** MILK counted at 60 on its shelf, then a sale every hour for two days until 10:00 on Wednesday. */
function selling () {
  const book = newBook()
  let seq = 0
  book.apply({ ...ev('cycle_count', MONDAY - HOUR, { qty: 60 }), seq: ++seq })
  for (let at = MONDAY; at <= MONDAY + 2 * DAY + 10 * HOUR; at += HOUR) book.apply({ ...sale(at), seq: ++seq })
  return { book, seq: () => ++seq }
}

t.test('silence after steady sales: expected sales grow with the hours, and the estimate with them', async (t) => {
  const { book } = selling()
  const lastSale = MONDAY + 2 * DAY + 10 * HOUR
  const soon = book.phantom('MILK', 'A01-1', lastSale + HOUR)
  const later = book.phantom('MILK', 'A01-1', lastSale + 6 * HOUR)
  t.equal(soon.sinceMs, lastSale, 'the silence starts at the last sale')
  t.equal(later.silentH, 6)
  t.ok(later.expectedSales > 3 * soon.expectedSales, `${soon.expectedSales.toFixed(2)} then ${later.expectedSales.toFixed(2)} units`)
  t.ok(later.expectedSales > 4, 'a daytime silence of a ~24/day seller')
  t.ok(evidenceOf(later).probability > 0.2, 'silence alone: a suspicion, short of a count (demand is overdispersed)')
  t.equal(book.phantom('MILK', 'BR-01', lastSale + 6 * HOUR).expectedSales, 0, 'a bin sells nothing: its silence is no evidence')
})

t.test('a gap detection and an empty shelf check are kept; a sale clears them and the silence', async (t) => {
  const { book, seq } = selling()
  const lastSale = MONDAY + 2 * DAY + 10 * HOUR
  book.apply({ ...ev('gap_detected', lastSale + 2 * HOUR), seq: seq() })
  const checkSeq = seq()
  book.apply({ ...ev('shelf_check', lastSale + 3 * HOUR, { qty: 0 }), seq: checkSeq })
  const f = book.phantom('MILK', 'A01-1', lastSale + 4 * HOUR)
  t.same(f.marks.map((m) => m.kind), ['gap', 'empty_check'])
  t.equal(f.marks[1].seq, checkSeq, 'with the journal seq, for the lineage')
  t.ok(evidenceOf(f).probability > 0.9, `a gap and an empty check: ${evidenceOf(f).probability.toFixed(3)}`)

  book.apply({ ...sale(lastSale + 4 * HOUR + 60_000), seq: seq() })
  const cleared = book.phantom('MILK', 'A01-1', lastSale + 4 * HOUR + 120_000)
  t.same(cleared.marks, [], 'the shelf had stock after those looks')
  t.ok(cleared.expectedSales < 0.1, 'and the silence starts again')
  t.ok(evidenceOf(cleared).probability < 0.05)
})

t.test('a count, a fill or a shelf check that saw units settles the location', async (t) => {
  for (const [name, settling] of [
    ['count', ev('cycle_count', 0, { qty: 12 })],
    ['fill', ev('putaway', 0, { qty: 6 })],
    ['shelf check with units', ev('shelf_check', 0, { qty: 3 })]
  ] as const) {
    const { book, seq } = selling()
    const lastSale = MONDAY + 2 * DAY + 10 * HOUR
    book.apply({ ...ev('gap_detected', lastSale + HOUR), seq: seq() })
    book.apply({ ...settling, occurredAtMs: lastSale + 2 * HOUR, seq: seq() })
    const f = book.phantom('MILK', 'A01-1', lastSale + 3 * HOUR)
    t.equal(f.settledMs, lastSale + 2 * HOUR, name)
    t.same(f.marks, [], `${name}: the gap before it no longer counts`)
    t.equal(f.silentH, 1, `${name}: the silence starts there`)
    // A late report of a gap from before the settling look changes nothing.
    book.apply({ ...ev('gap_detected', lastSale + 90 * 60_000), seq: seq() })
    t.same(book.phantom('MILK', 'A01-1', lastSale + 3 * HOUR).marks, [], `${name}: a late, earlier gap is ignored`)
  }
})
