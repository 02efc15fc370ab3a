// How a policy's associates report to the store server: their handheld posts canonical events
// (offline, the app queues them and the server applies replays once). `iso` turns sim time into
// the ISO timestamps the API takes.

export interface HandheldPort {
  post (associate: string, events: object[]): void
  /**
   * Task actions (claim, complete...) from the associate's handheld, after the events they posted
   * before. `equivalent` is what the work did as plain events: a store without a server (or a
   * shadow record) applies those instead, and the server gets them if it refuses the completion
   * (the task was cancelled meanwhile), so what physically moved is recorded either way.
   */
  act (associate: string, actions: object[], equivalent: object[]): void
}

/** The back office: the supplier's advance ship notices, sent to the store server as they come. */
export interface BackOfficePort {
  asn (asn: { id: string, supplier: string, lines: Array<{ sku: string, qty: number, cases: number }> }): void
}

export const NO_BACK_OFFICE: BackOfficePort = { asn: () => {} }

export const NO_HANDHELDS: HandheldPort = { post: () => {}, act: () => {} }

export const iso = (t: number): string => new Date(t).toISOString()

/** Canonical handheld events, ids unique per associate and work item so replays apply once. */
export class EventIds {
  private n = 0
  next (associate: string, workId: number): string { return `${associate}:${workId}:${++this.n}` }
}
