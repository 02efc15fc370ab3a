import t from 'tap'
import { DEFAULT_BACKOFF, resolveBackoff, retryDelayMs } from '../../src/ingest/serial/backoff.js'

const noJitter = (): number => 0.5

t.test('delays double from initialMs and stop at maxMs', async (t) => {
  const b = resolveBackoff({ initialMs: 100, maxMs: 1_000 })
  t.same([0, 1, 2, 3, 4, 5, 60].map((n) => retryDelayMs(n, b, noJitter)), [100, 200, 400, 800, 1_000, 1_000, 1_000])
})

t.test('defaults: 500 ms first, 30 s at most, 10 % jitter, 5 s to count as stable', async (t) => {
  t.same(resolveBackoff(), { initialMs: 500, maxMs: 30_000, jitterRatio: 0.1, stableMs: 5_000 })
  t.same(DEFAULT_BACKOFF, resolveBackoff({}))
})

t.test('jitter moves a delay by at most jitterRatio either way, and never past maxMs', async (t) => {
  const b = resolveBackoff({ initialMs: 1_000, maxMs: 4_000, jitterRatio: 0.1 })
  t.equal(retryDelayMs(0, b, () => 0), 900)
  t.equal(retryDelayMs(0, b, () => 0.999999), 1_100)
  t.equal(retryDelayMs(5, b, () => 0.999999), 4_000, 'capped')
  t.equal(retryDelayMs(5, b, () => 0), 3_600)
})

t.test('bad settings are refused with EDGE_ERR_CONFIG_INVALID naming the key', async (t) => {
  t.throws(() => resolveBackoff({ initialMs: 0 }), { code: 'EDGE_ERR_CONFIG_INVALID', details: { key: 'backoff.initialMs' } })
  t.throws(() => resolveBackoff({ initialMs: 100, maxMs: 50 }), { code: 'EDGE_ERR_CONFIG_INVALID', details: { key: 'backoff.maxMs' } })
  t.throws(() => resolveBackoff({ jitterRatio: 1 }), { code: 'EDGE_ERR_CONFIG_INVALID', details: { key: 'backoff.jitterRatio' } })
  t.throws(() => resolveBackoff({ stableMs: -1 }), { code: 'EDGE_ERR_CONFIG_INVALID', details: { key: 'backoff.stableMs' } })
})
