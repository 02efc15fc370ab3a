// `npm run bench:sim`: how fast the simulator drives a real store server, in simulated store-days
// per wall-clock minute, for the real 28-item store and for a 5,000-SKU assortment, both policies
// each against a fresh server. Prints the figures and the projected wall time of a 28-day,
// 5,000-SKU store-edge run (the aim: under 10 minutes on this machine); `--full` runs that for real.

import { cpus } from 'node:os'
import { defaultM5File, loadM5 } from '../sim/src/demand/m5.js'
import { setUp, type SimOptions } from '../sim/src/engine/setup.js'
import { TYPICAL_RATES } from '../sim/src/faults.js'
import { runSession, type PolicyName } from '../sim/src/session.js'

interface Case { label: string, skus: number, days: number, policy: PolicyName }

function flag (name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : fallback
}

const full = process.argv.includes('--full')
const smallDays = flag('small-days', 7)
const bigDays = full ? 28 : flag('big-days', 2)
const bigSkus = flag('skus', 5000)
const cases: Case[] = full
  ? [{ label: `${bigSkus} SKUs`, skus: bigSkus, days: 28, policy: 'store-edge' }]
  : [
      { label: '28 items', skus: 28, days: smallDays, policy: 'traditional' },
      { label: '28 items', skus: 28, days: smallDays, policy: 'store-edge' },
      { label: `${bigSkus} SKUs`, skus: bigSkus, days: bigDays, policy: 'traditional' },
      { label: `${bigSkus} SKUs`, skus: bigSkus, days: bigDays, policy: 'store-edge' }
    ]

const data = loadM5(defaultM5File())
console.log(`bench:sim on ${cpus().length} cores, Node ${process.version}; each run drives its own store server (sim clock, MQTT + HTTP)`)
console.log('case                       policy        days   wall s   store-days/min   events sent   server warn/error')
const rows: Array<Case & { wallS: number, perMin: number }> = []
for (const c of cases) {
  const o: SimOptions = { storeId: 'CA_1', startDate: '2016-03-01', days: c.days, seed: 7, skus: c.skus, rates: TYPICAL_RATES, spikes: [], promotions: [] }
  const setup = setUp(data, o)
  const t0 = Date.now()
  const r = await runSession(c.policy, o, setup, {
    server: true,
    progress: (d, n) => process.stderr.write(`  ${c.label} ${c.policy}: day ${d}/${n} ${((Date.now() - t0) / 1000).toFixed(0)} s\n`)
  })
  const wallS = (Date.now() - t0) / 1000
  const perMin = c.days / (wallS / 60)
  rows.push({ ...c, wallS, perMin })
  const events = (r.sent.baskets ?? 0) + (r.sent.gaps ?? 0) + (r.sent.handheldEvents ?? 0)
  console.log(`${c.label.padEnd(26)} ${c.policy.padEnd(13)} ${String(c.days).padStart(4)} ${wallS.toFixed(1).padStart(8)} ${perMin.toFixed(2).padStart(16)} ${String(events).padStart(13)}   ${r.serverLog?.warn ?? 0}/${r.serverLog?.error ?? 0}`)
  if (!r.conserved) throw new Error(`${c.label} ${c.policy}: units not conserved`)
}
const big = rows.find((r) => r.skus === bigSkus && r.policy === 'store-edge')
if (big) {
  const projected = full ? big.wallS / 60 : 28 / big.perMin
  console.log(`\n28-day ${bigSkus}-SKU store-edge run: ${projected.toFixed(1)} min ${full ? 'measured' : 'projected'} (aim: under 10 min) -> ${projected < 10 ? 'met' : 'NOT met'}`)
}
