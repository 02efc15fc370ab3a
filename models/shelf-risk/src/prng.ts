// The pipeline's only randomness (row subsampling, synthetic test data): a small seeded generator,
// so the same seed gives the same trees and the same bytes. Never Math.random.
//
// A Weyl sequence (state += golden-ratio constant, mod 2^32) finished by the murmur3 32-bit
// avalanche: every step is a 32-bit integer operation, identical on every platform.

export interface Prng {
  /** Uniform in [0, 1), 32 bits of resolution. */
  next: () => number
  /** Uniform integer in [0, n). */
  int: (n: number) => number
}

export function prng (seed: number): Prng {
  // Mix the seed once so seeds 1, 2, 3 start far apart.
  let state = avalanche((seed >>> 0) ^ 0x5bd1e995)
  const u32 = (): number => {
    state = (state + 0x9e3779b9) | 0
    return avalanche(state)
  }
  return {
    next: () => u32() / 4294967296,
    int: (n) => Math.floor((u32() / 4294967296) * n)
  }
}

function avalanche (x: number): number {
  let z = x
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
  return (z ^ (z >>> 16)) >>> 0
}
