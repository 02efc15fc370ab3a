// The phantom-inventory estimate of one SKU-location: the probability that the record is wrong in
// the costly direction (the shelf holds less than the record says, typically nothing), by Bayes'
// rule in odds form: posterior odds = prior odds x the likelihood ratio of each piece of evidence,
// LR = P(evidence | phantom) / P(evidence | record right). Pure: the detector and the tests give it
// the evidence; it reads no clock, database or book.
//
// The numbers, and why:
// - PRIOR 0.03. Studies of retail records (DeHoratius & Raman 2008; Kang & Gershwin 2005) find
//   records off at most SKU-locations but an empty shelf behind a positive record at a few percent
//   of them at any moment; 3% is the middle of that range, so with no evidence nothing is counted.
// - Silence (no sale for a while although the record says there is stock). If the shelf is empty,
//   no sale is certain (P = 1). If the record is right, sales over the silence have the expected
//   count mu (the hour-of-week profile x the daily rate as of the last sale), but store-item demand
//   is overdispersed and intermittent (most M5 items sell nothing on many days), not Poisson: we
//   take a negative binomial with shape DISPERSION = 1.5, P(no sale) = (1 + mu/1.5)^-1.5, which for
//   5 expected sales is 0.11 where Poisson says 0.007. (With Poisson, the simulator's counts on
//   silence alone found the record right three times in four.) Demand can also simply stop (a
//   price error, a blocked facing, the end of a season), which we allow with DEMAND_STOP = 0.02:
//   P(no sale | right) = 0.98 (1 + mu/1.5)^-1.5 + 0.02. The LR is 1 with no expected sales and
//   saturates at 50, so a badly wrong rate cannot alone make a certainty: 5 expected sales unseen
//   give LR 7.8 (p ~ 0.19), 20 give LR 26 (p ~ 0.45), 60 give LR 42 (p ~ 0.57).
// - A camera gap detection since then: cameras see a genuinely empty facing about 90% of passes,
//   and flag a stocked one (occlusion, a thin but stocked facing, a shopper's trolley) at a rate
//   that varies with the camera and the aisle; busy aisles give ~30%: LR 3 for the first. Further
//   detections of the same facing share the camera's blind spots, so each adds LR 1.5, for at most
//   MAX_EACH of them. (At LR 6 and 2, the simulator's counts on gaps alone - four detections of a
//   slow item's facing - never found the record wrong: 0 of 8.)
// - An empty shelf check (an associate looked and reported 0): people rarely miss stock in the
//   facing but do miss units pushed to the back or in a second facing, ~4% vs ~80% seen when empty:
//   LR 20 for the first, 2 for each further.
// - A short fill from the location (a fill found fewer units in the bin than it asked for): the
//   associate looked for the record's units and did not find them. A second bin or a mislabelled
//   one explains some: LR 8 for the first, 2 for each further.

export const PRIOR = 0.03
export const DEMAND_STOP = 0.02
/** Shape of the negative binomial of sales over a silence: smaller is more overdispersed. */
export const DISPERSION = 1.5
export const LR_GAP = { first: 3, more: 1.5 } as const
export const LR_EMPTY_CHECK = { first: 20, more: 2 } as const
export const LR_SHORT_FILL = { first: 8, more: 2 } as const
/** Pieces of one kind that count (the first and the further ones together). */
export const MAX_EACH = 4

export interface Look { kind: 'gap' | 'empty_check', eventId: string | null, at: string }
export interface ShortFill { taskId: number, found: number, asked: number, at: string }

export interface Evidence {
  /** The record at the location, units: nothing can be missing from a record of 0 or less. */
  onHand: number
  /** Units expected to sell since the last sale or settling look (0 off a shelf). */
  expectedSales: number
  /** Hours of that silence. */
  silentH: number
  looks: readonly Look[]
  shortFills: readonly ShortFill[]
}

export type Piece =
  | { evidence: 'no_sales', expectedSales: number, silentH: number, lr: number }
  | { evidence: 'gap_detected' | 'empty_shelf_check', eventId: string | null, at: string, lr: number }
  | { evidence: 'short_fill', taskId: number, found: number, asked: number, at: string, lr: number }

export interface Estimate {
  /** P(the location holds less than the record says), 0-1. */
  probability: number
  prior: number
  /** Each piece of evidence with the likelihood ratio it contributed. */
  pieces: Piece[]
}

/** P(no sale | record right) for mu expected sales: negative binomial with a floor for demand that stopped. */
export function noSaleIfRight (mu: number): number {
  return (1 - DEMAND_STOP) * Math.pow(1 + Math.max(0, mu) / DISPERSION, -DISPERSION) + DEMAND_STOP
}

export function estimate (e: Evidence, prior = PRIOR): Estimate {
  if (!(e.onHand > 0)) return { probability: 0, prior, pieces: [] }
  const pieces: Piece[] = []
  if (e.expectedSales > 0) {
    pieces.push({ evidence: 'no_sales', expectedSales: round(e.expectedSales), silentH: round(e.silentH), lr: round(1 / noSaleIfRight(e.expectedSales)) })
  }
  const nth = (lr: { first: number, more: number }, i: number): number => i === 0 ? lr.first : lr.more
  e.looks.filter((l) => l.kind === 'gap').slice(0, MAX_EACH)
    .forEach((l, i) => pieces.push({ evidence: 'gap_detected', eventId: l.eventId, at: l.at, lr: nth(LR_GAP, i) }))
  e.looks.filter((l) => l.kind === 'empty_check').slice(0, MAX_EACH)
    .forEach((l, i) => pieces.push({ evidence: 'empty_shelf_check', eventId: l.eventId, at: l.at, lr: nth(LR_EMPTY_CHECK, i) }))
  e.shortFills.slice(0, MAX_EACH)
    .forEach((f, i) => pieces.push({ evidence: 'short_fill', taskId: f.taskId, found: f.found, asked: f.asked, at: f.at, lr: nth(LR_SHORT_FILL, i) }))
  let odds = prior / (1 - prior)
  // The no_sales LR is rounded for display only: the product uses the exact value.
  for (const p of pieces) odds *= p.evidence === 'no_sales' ? 1 / noSaleIfRight(e.expectedSales) : p.lr
  return { probability: odds / (1 + odds), prior, pieces }
}

/**
 * Expected lost sales while the phantom goes unnoticed, in currency: probability x rate of sale
 * (units/h) x unit price x hours until it would otherwise be found.
 */
export function expectedLostSales (probability: number, ratePerH: number, unitPrice: number, hoursUntilFound: number): number {
  return probability * Math.max(0, ratePerH) * Math.max(0, unitPrice) * Math.max(0, hoursUntilFound)
}

const round = (x: number): number => Math.round(x * 1000) / 1000
