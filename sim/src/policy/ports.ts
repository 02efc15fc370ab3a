// How a policy's associates report to the store server: their handheld posts canonical events
// (offline, the app queues them and the server applies replays once). `iso` turns sim time into
// the ISO timestamps the API takes.

export interface HandheldPort {
  post (associate: string, events: object[]): void
}

export const NO_HANDHELDS: HandheldPort = { post: () => {} }

export const iso = (t: number): string => new Date(t).toISOString()

/** Canonical handheld events, ids unique per associate and work item so replays apply once. */
export class EventIds {
  private n = 0
  next (associate: string, workId: number): string { return `${associate}:${workId}:${++this.n}` }
}
