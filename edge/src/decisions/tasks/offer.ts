// Which tasks an associate is offered: open ones in their zones and skills, during their shift,
// best value per labor minute first, and the ones they already hold. An empty zone or skill list
// means "any"; no shift means "any time". The same rule decides which handhelds hear of an open
// task over MQTT (push.ts).

import type { Associate } from '../../store/associates.js'
import type { Task } from './types.js'

export type ZoneOf = (location: string) => string | null | undefined

const DAY_MIN = 24 * 60

/**
 * True when `nowMs` falls in `a`'s shift (minutes after midnight UTC, start inclusive, end
 * exclusive; a shift past midnight, 22:00-06:00, wraps). A token outlives a shift: an associate
 * still signed in after it ends keeps what they hold but is offered no new work.
 */
export function onShift (a: Pick<Associate, 'shiftStart' | 'shiftEnd'>, nowMs: number): boolean {
  if (a.shiftStart === null || a.shiftEnd === null || a.shiftStart === a.shiftEnd) return true
  const m = Math.floor((((nowMs / 60_000) % DAY_MIN) + DAY_MIN) % DAY_MIN)
  return a.shiftStart < a.shiftEnd ? m >= a.shiftStart && m < a.shiftEnd : m >= a.shiftStart || m < a.shiftEnd
}

/** Opening hours from "HH:MM-HH:MM" (config storeHours) as a shift; empty = always open. */
export function hoursOf (spec: string): Pick<Associate, 'shiftStart' | 'shiftEnd'> {
  const m = /^(\d\d):(\d\d)-(\d\d):(\d\d)$/.exec(spec)
  if (!m) return { shiftStart: null, shiftEnd: null }
  return { shiftStart: Number(m[1]) * 60 + Number(m[2]), shiftEnd: Number(m[3]) * 60 + Number(m[4]) }
}

/** True when `t` is in `a`'s skills and zones, and (given the time) `a` is on shift. */
export function fitsAssociate (a: Associate, t: Pick<Task, 'kind' | 'location'>, zoneOf: ZoneOf, nowMs?: number): boolean {
  if (nowMs !== undefined && !onShift(a, nowMs)) return false
  if (a.skills.length > 0 && !a.skills.includes(t.kind)) return false
  if (a.zones.length === 0) return true
  const zone = zoneOf(t.location)
  // A location without a zone (a backroom bin) is anyone's.
  return zone === null || zone === undefined || a.zones.includes(zone)
}

export function offerFor (a: Associate, open: Task[], mine: Task[], zoneOf: ZoneOf, limit: number, nowMs?: number): { tasks: Task[], mine: Task[] } {
  return { tasks: open.filter((t) => fitsAssociate(a, t, zoneOf, nowMs)).slice(0, limit), mine }
}
