// Delay before the next try after `failures` failed sends in a row: exponential, capped, with full
// jitter (a uniformly random delay up to the exponential bound), so hundreds of stores that lost the
// same link do not all come back in the same second.

export function backoffMs (failures: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  const bound = Math.min(maxMs, minMs * 2 ** Math.max(0, Math.min(failures - 1, 30)))
  return Math.max(minMs, Math.round(random() * bound))
}
