// One feature vector from the state of a SKU and one of its shelf locations, in the order of
// spec.ts. Nothing here allocates: it runs for every scored SKU-location on every scoring pass.

import { FEATURE_INDEX as F, clampFeatures } from '../spec.js'
import { rateDay } from './rate.js'
import type { WeekShapes } from './shapes.js'
import type { LocState, SkuState } from './state.js'
import {
  COUNT_MEMORY, COUNT_WINDOW_DAYS, COVER_CAP_H, DAY_MS, DEFAULT_LEAD_TIME_D, HOUR_MS, SALES_RATIO_CAP,
  SILENCE_CAP, SINCE_CAP_H, TINY_RATE_H, WEEK_HOURS
} from './tuning.js'
import type { ItemFacts } from './types.js'
import type { WeekCounts } from './week.js'
import { dayOfWeek, hourIndex, hourOfDay, weekSlot } from './week.js'

const COUNT_WINDOW_MS = COUNT_WINDOW_DAYS * DAY_MS

export function writeVector (
  shapes: WeekShapes, s: SkuState | undefined, l: LocState | undefined, item: ItemFacts | undefined,
  nowMs: number, out: Float32Array, o: number
): number {
  const shelf = l ? l.onHand + l.inTransit : 0
  const capacity = item?.shelfCapacity ?? null
  const known = capacity !== null && capacity > 0
  const category = shapes.category(item?.category ?? null)
  const slot = weekSlot(nowMs)
  const rd = s ? rateDay(s, nowMs) : 0
  const rn = rd * 7 * shapes.share(slot, s, category) // units/h: a week's sales x this hour's share
  const sinceSale = s ? hoursSince(s.lastSaleMs, nowMs) : SINCE_CAP_H
  const sales24 = s?.sales ? s.sales.lastDay(nowMs) : 0

  out[o + F.shelf_qty] = shelf
  out[o + F.shelf_fill] = known ? shelf / capacity : -1
  out[o + F.cover_h] = coverHours(shapes, s, category, shelf, rd, nowMs)
  out[o + F.backroom_qty] = s ? backroom(s) : 0
  out[o + F.in_transit_qty] = l ? l.inTransit : 0
  out[o + F.rate_now] = rn
  out[o + F.rate_day] = rd
  out[o + F.since_sale_h] = sinceSale
  // The expected gap between sales is 1 / rate_now hours.
  out[o + F.silence_ratio] = Math.min(sinceSale * Math.max(rn, TINY_RATE_H), SILENCE_CAP)
  out[o + F.since_obs_h] = l ? hoursSince(l.lastObsMs, nowMs) : SINCE_CAP_H
  out[o + F.obs_gap] = l ? l.obsGap : 0
  out[o + F.obs_qty] = l ? l.obsQty : -1
  out[o + F.gaps_24h] = l?.gaps ? l.gaps.lastDay(nowMs) : 0
  writeCountVariance(s, nowMs, out, o)
  out[o + F.open_tasks] = s ? s.openTasks : 0
  out[o + F.sales_24h_ratio] = sales24 > 0 ? Math.min(sales24 / Math.max(rd, TINY_RATE_H * 24), SALES_RATIO_CAP) : 0
  const price = item?.unitPrice ?? null
  out[o + F.price_ratio] = s && Number.isFinite(s.lastPrice) && price !== null && price > 0 ? s.lastPrice / price : 1
  out[o + F.lead_time_d] = item?.leadTimeDays ?? DEFAULT_LEAD_TIME_D
  out[o + F.case_to_shelf] = known ? (item?.casePack ?? 1) / capacity : -1
  out[o + F.hour] = hourOfDay(nowMs)
  out[o + F.dow] = dayOfWeek(nowMs)
  return clampFeatures(out, o)
}

/** Hours from atMs to nowMs, 0 if atMs is later, capped; the cap when there was none (NaN). */
function hoursSince (atMs: number, nowMs: number): number {
  if (Number.isNaN(atMs)) return SINCE_CAP_H
  return Math.min(Math.max((nowMs - atMs) / HOUR_MS, 0), SINCE_CAP_H)
}

function backroom (s: SkuState): number {
  let sum = 0
  for (const l of s.locs) if (l.kind === 'backroom') sum += l.onHand
  return sum
}

/** Mean |variance| and mean variance of the last counts taken within the window before nowMs. */
function writeCountVariance (s: SkuState | undefined, nowMs: number, out: Float32Array, o: number): void {
  let n = 0
  let abs = 0
  let signed = 0
  if (s) {
    for (let i = 0; i < COUNT_MEMORY; i++) {
      const at = s.countAtMs[i]
      if (at <= nowMs && at > nowMs - COUNT_WINDOW_MS) {
        n++
        abs += Math.abs(s.countVar[i])
        signed += s.countVar[i]
      }
    }
  }
  out[o + F.count_var_abs] = n > 0 ? abs / n : 0
  out[o + F.count_var_signed] = n > 0 ? signed / n : 0
}

/**
 * Hours until expected sales from nowMs use up the shelf: whole weeks first (a week sells
 * 7 x rate_day, whatever its shape), then hour by hour through the hour-of-week shape.
 */
function coverHours (shapes: WeekShapes, s: SkuState | undefined, category: WeekCounts | undefined, shelf: number, rd: number, nowMs: number): number {
  if (shelf <= 0) return 0
  const weekly = rd * 7
  if (weekly <= TINY_RATE_H * WEEK_HOURS) return COVER_CAP_H
  const weeks = Math.floor(shelf / weekly)
  if (weeks * WEEK_HOURS >= COVER_CAP_H) return COVER_CAP_H
  let left = shelf - weeks * weekly
  let hours = weeks * WEEK_HOURS
  let slot = weekSlot(nowMs)
  // The current hour counts only for what is left of it.
  let span = hourIndex(nowMs) + 1 - nowMs / HOUR_MS
  for (let step = 0; step <= WEEK_HOURS; step++) {
    const perHour = weekly * shapes.share(slot, s, category)
    const sold = perHour * span
    if (sold >= left) return Math.min(hours + left / perHour, COVER_CAP_H)
    left -= sold
    hours += span
    if (hours >= COVER_CAP_H) return COVER_CAP_H
    span = 1
    slot = slot === WEEK_HOURS - 1 ? 0 : slot + 1
  }
  // Rounding left a sliver after a whole week: sell it at the week's average hour.
  return Math.min(hours + left / (weekly / WEEK_HOURS), COVER_CAP_H)
}
