// Which tasks an associate is offered: open ones in their zones and skills, best value per labor
// minute first, and the ones they already hold. An empty zone or skill list means "any". The same
// rule decides which handhelds hear of an open task over MQTT (push.ts).

import type { Associate } from '../../store/associates.js'
import type { Task } from './types.js'

export type ZoneOf = (location: string) => string | null | undefined

/** True when `t` is in `a`'s skills and zones. */
export function fitsAssociate (a: Associate, t: Pick<Task, 'kind' | 'location'>, zoneOf: ZoneOf): boolean {
  if (a.skills.length > 0 && !a.skills.includes(t.kind)) return false
  if (a.zones.length === 0) return true
  const zone = zoneOf(t.location)
  // A location without a zone (a backroom bin) is anyone's.
  return zone === null || zone === undefined || a.zones.includes(zone)
}

export function offerFor (a: Associate, open: Task[], mine: Task[], zoneOf: ZoneOf, limit: number): { tasks: Task[], mine: Task[] } {
  return { tasks: open.filter((t) => fitsAssociate(a, t, zoneOf)).slice(0, limit), mine }
}
