// Seeded randomness for the simulator: the same seed gives the same run, bit for bit. One stream
// per purpose (demand, shrink, receiving errors, ...) derived from the run seed and a name, so
// turning one error rate up does not shift the random numbers every other part draws.

/** splitmix64 step on a BigInt state; used to seed and to derive streams (Steele et al., 2014). */
function splitmix64 (state: bigint): [bigint, bigint] {
  const next = (state + 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn
  let z = next
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & 0xffffffffffffffffn
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & 0xffffffffffffffffn
  return [next, z ^ (z >> 31n)]
}

function hashName (name: string): bigint {
  // FNV-1a, 64-bit: a stable number for a stream's name.
  let h = 0xcbf29ce484222325n
  for (let i = 0; i < name.length; i++) {
    h ^= BigInt(name.charCodeAt(i))
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn
  }
  return h
}

/**
 * xoshiro128** (Blackman and Vigna): 32-bit state words, fast in JavaScript's 32-bit integer ops.
 * Its four words are seeded through splitmix64 so that nearby seeds give unrelated streams.
 */
export class Rng {
  private a: number
  private b: number
  private c: number
  private d: number

  constructor (seed: number | bigint, name = '') {
    let s = (BigInt(seed) ^ hashName(name)) & 0xffffffffffffffffn
    const words: number[] = []
    for (let i = 0; i < 2; i++) {
      const [next, out] = splitmix64(s)
      s = next
      words.push(Number(out & 0xffffffffn), Number(out >> 32n))
    }
    ;[this.a, this.b, this.c, this.d] = words
    if ((this.a | this.b | this.c | this.d) === 0) this.d = 1 // the all-zero state is a fixed point
  }

  /** A new independent stream for a named purpose. */
  stream (name: string): Rng {
    return new Rng(BigInt(this.nextUint32()) << 32n | BigInt(this.nextUint32()), name)
  }

  nextUint32 (): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0
    const t = this.b << 9
    this.c ^= this.a
    this.d ^= this.b
    this.b ^= this.c
    this.a ^= this.d
    this.c ^= t
    this.d = rotl(this.d, 11)
    return result
  }

  /** Uniform in [0, 1), 32 bits of resolution. */
  next (): number {
    return this.nextUint32() / 4294967296
  }

  /** Uniform integer in [0, n). */
  int (n: number): number {
    return Math.floor(this.next() * n)
  }

  /** True with probability p. */
  chance (p: number): boolean {
    return this.next() < p
  }

  /** Picks an index by weight; weights need not sum to 1. */
  weighted (weights: readonly number[], total?: number): number {
    const sum = total ?? weights.reduce((s, w) => s + w, 0)
    let r = this.next() * sum
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]
      if (r < 0) return i
    }
    return weights.length - 1
  }

  /** Poisson-distributed count with mean lambda (Knuth for small means, normal approximation above 30). */
  poisson (lambda: number): number {
    if (lambda <= 0) return 0
    if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()))
    const l = Math.exp(-lambda)
    let k = 0
    let p = 1
    do { k++; p *= this.next() } while (p > l)
    return k - 1
  }

  /** Standard normal (Box-Muller). */
  normal (): number {
    const u = 1 - this.next()
    const v = this.next()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
  }
}

function rotl (x: number, k: number): number {
  return (x << k) | (x >>> (32 - k))
}
