// `npm run sim`: runs the chosen policies over the chosen seeds on the same simulated store, each
// against its own fresh store server, then prints the side-by-side table and writes the JSON report.

import { writeFileSync } from 'node:fs'
import { defaultM5File, loadM5 } from '../demand/m5.js'
import { setUp } from '../engine/setup.js'
import { trainingFile } from '../export/training-rows.js'
import { buildReport, formatTable, type RunResult } from '../kpi/report.js'
import { runSession } from '../session.js'
import { parseArgs, UsageError, USAGE } from './args.js'

export async function main (argv: readonly string[]): Promise<number> {
  let opts
  try {
    opts = parseArgs(argv)
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`sim: ${err.message}\n\n${USAGE}`)
      return 2
    }
    throw err
  }
  if (opts.help) {
    process.stdout.write(USAGE)
    return 0
  }
  const data = loadM5(defaultM5File())
  if (!data.stores.includes(opts.sim.storeId)) {
    process.stderr.write(`sim: --store ${opts.sim.storeId}: not in the M5 data (stores: ${data.stores.join(', ')})\n`)
    return 2
  }
  const runs: RunResult[] = []
  const log = (s: string): void => { if (!opts.quiet) process.stderr.write(`${s}\n`) }
  let exported = false
  for (const seed of opts.seeds) {
    const sim = { ...opts.sim, seed }
    const setup = setUp(data, sim)
    for (const policy of opts.policies) {
      const label = `seed ${seed} ${policy}`
      const t0 = Date.now()
      const exportTo = policy === 'store-edge' && opts.exportFile && !exported ? opts.exportFile : null
      let exportedRows = 0
      let exportStream: ReturnType<typeof trainingFile> | null = null
      log(`[${label}] ${setup.layout.skus.length} SKUs, ${sim.days} days from ${sim.startDate}, scenario ${opts.scenario}`)
      const r = await runSession(policy, sim, setup, {
        server: !opts.noServer,
        tasks: opts.tasks,
        orders: opts.orders,
        training: exportTo ? { out: (exportStream = trainingFile(exportTo, false)), tag: { seed, policy, scenario: opts.scenario, store: sim.storeId }, rows: (r) => { exportedRows = r.rows } } : undefined,
        progress: (d, n) => { if (d === n || d % Math.max(1, Math.round(n / 10)) === 0) log(`[${label}] day ${d}/${n}  ${((Date.now() - t0) / 1000).toFixed(1)} s`) }
      })
      if (exportStream) await new Promise((resolve) => exportStream!.end(resolve))
      if (exportTo) { exported = true; log(`[${label}] training rows: ${exportedRows} in ${exportTo}`) }
      if (!r.conserved) throw new Error(`${label}: units were not conserved; this is a simulator bug`)
      if (r.rejections.length > 0) log(`[${label}] the server refused ${r.rejections.length} handheld events, first: ${JSON.stringify(r.rejections[0])}`)
      if (r.taskRefusals.length > 0) {
        const byCode: Record<string, number> = {}
        for (const x of r.taskRefusals) byCode[x.code] = (byCode[x.code] ?? 0) + 1
        log(`[${label}] task actions the server refused: ${JSON.stringify(byCode)}, first: ${r.taskRefusals[0].message}`)
      }
      if (r.orderDecisions) {
        const d = r.orderDecisions
        log(`[${label}] order proposals: ${d.auto} auto-approved, manager ${d.managerApproved} approved, ${d.modified} modified, ${d.rejected} rejected (${d.reviewMin.toFixed(1)} min)${Object.keys(d.refused).length > 0 ? `, refused: ${JSON.stringify(d.refused)}` : ''}`)
      }
      if (r.countPrecision) log(`[${label}] counts: ${r.countPrecision.counts}, found the record wrong: ${r.countPrecision.discrepancies} (${r.countPrecision.source})`)
      if (r.serverLog && r.serverLog.error > 0) log(`[${label}] the server logged ${r.serverLog.error} errors, first: ${r.serverLog.firstErrors[0]}`)
      runs.push({ policy, seed, kpis: r.kpis, series: r.series, wallMs: r.wallMs, ...(r.serverKpis ? { serverKpis: r.serverKpis } : {}) })
    }
  }
  const config = { ...opts.sim, seeds: opts.seeds, policies: opts.policies, scenario: opts.scenario, server: !opts.noServer, tasks: opts.tasks, orders: opts.orders }
  const report = buildReport(runs, config, new Date().toISOString())
  process.stdout.write(formatTable(report) + '\n')
  if (opts.out) {
    writeFileSync(opts.out, JSON.stringify(report, null, 2))
    log(`report: ${opts.out}`)
  }
  return 0
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code }, (err: Error) => {
  process.stderr.write(`sim: ${err.stack ?? err.message}\n`)
  process.exitCode = 1
})
