// Cheap marks of tables the panel's live updates watch by polling (http/panel/watch.ts): each read
// is an index or rowid lookup, so a poll every 2 s costs nothing a store would notice.

import type { Database } from 'better-sqlite3'

export class Fingerprints {
  private readonly devicesRow
  private readonly deadLetterRow

  constructor (db: Database) {
    this.devicesRow = db.prepare('SELECT COUNT(*) AS n, COUNT(revoked_at) AS revoked FROM devices')
    this.deadLetterRow = db.prepare('SELECT MAX(id) AS id FROM dead_letters')
  }

  /** Devices registered and revoked: changes when one is added or revoked. */
  devices (): string {
    const r = this.devicesRow.get() as { n: number, revoked: number }
    return `${r.n}/${r.revoked}`
  }

  /** The newest dead letter's id (0 when none): changes when one is written. */
  lastDeadLetter (): number {
    return (this.deadLetterRow.get() as { id: number | null }).id ?? 0
  }
}
