// Which tasks an associate is offered: open ones in their zones and skills, best value per labor
// minute first, and the ones they already hold. An empty zone or skill list means "any".

import type { Associate } from '../../store/associates.js'
import type { Task } from './types.js'

export function offerFor (a: Associate, open: Task[], mine: Task[], zoneOf: (location: string) => string | null | undefined, limit: number): { tasks: Task[], mine: Task[] } {
  const fits = (t: Task): boolean => {
    if (a.skills.length > 0 && !a.skills.includes(t.kind)) return false
    if (a.zones.length === 0) return true
    const zone = zoneOf(t.location)
    // A location without a zone (a backroom bin) is anyone's.
    return zone === null || zone === undefined || a.zones.includes(zone)
  }
  return { tasks: open.filter(fits).slice(0, limit), mine }
}
