// How long to wait before the next attempt to open a serial port that is missing or was lost.
// Exponential from initialMs, capped at maxMs, with a little jitter so several readers that lost
// their ports together (a USB hub unplugged) do not retry in lockstep.

import { EdgeError, Errors } from '../../core/errors.js'

export interface BackoffOptions {
  /** First delay after a failure: milliseconds. */
  initialMs?: number
  /** Longest delay: milliseconds. */
  maxMs?: number
  /** Each delay is moved by up to this fraction either way (0.1 = ±10 %); 0 = none. */
  jitterRatio?: number
  /**
   * A port that stayed open at least this long and is then lost starts again from initialMs:
   * milliseconds. One that drops sooner keeps backing off, so a flapping port cannot spin.
   */
  stableMs?: number
}

export type Backoff = Required<BackoffOptions>

export const DEFAULT_BACKOFF: Backoff = {
  initialMs: 500, // milliseconds: a re-plugged USB adapter is usually back within a second
  maxMs: 30_000, // milliseconds: a port missing for good is retried twice a minute
  jitterRatio: 0.1,
  stableMs: 5_000 // milliseconds
}

/** Defaults filled in and checked; throws EDGE_ERR_CONFIG_INVALID naming the key. */
export function resolveBackoff (opts: BackoffOptions = {}): Backoff {
  const b: Backoff = { ...DEFAULT_BACKOFF }
  for (const [key, value] of Object.entries(opts) as Array<[keyof Backoff, number | undefined]>) {
    if (value !== undefined) b[key] = value
  }
  const check = (key: keyof Backoff, ok: boolean, rule: string): void => {
    if (!ok) {
      throw new EdgeError(Errors.CONFIG_INVALID, `serial backoff.${key} ${String(b[key])} ${rule}`, { key: `backoff.${key}` })
    }
  }
  check('initialMs', Number.isFinite(b.initialMs) && b.initialMs > 0, 'must be a number above 0 (milliseconds)')
  check('maxMs', Number.isFinite(b.maxMs) && b.maxMs >= b.initialMs, 'must be a number at least initialMs (milliseconds)')
  check('jitterRatio', b.jitterRatio >= 0 && b.jitterRatio < 1, 'must be at least 0 and below 1')
  check('stableMs', Number.isFinite(b.stableMs) && b.stableMs >= 0, 'must be a number at least 0 (milliseconds)')
  return b
}

/**
 * Delay before the next attempt, milliseconds, after `failures` failed attempts in a row (0 for the
 * first retry). `random` returns [0, 1), like Math.random.
 */
export function retryDelayMs (failures: number, b: Backoff, random: () => number): number {
  const base = Math.min(b.maxMs, b.initialMs * 2 ** Math.min(failures, 40)) // 2^40 is past any cap
  const jittered = base * (1 + b.jitterRatio * (2 * random() - 1))
  return Math.max(1, Math.round(Math.min(b.maxMs, jittered)))
}
