// Trains the shelf-risk model: `npm run train:shelf-risk [-- options]`.
// Reads the simulator's export (--data), splits it by seed, fits the GBDT and the logistic
// baseline, scores them and the rule fallback on the held-out seeds, and writes (--out)
// shelf-risk.onnx with model-card.json and MODEL_CARD.md, and shelf-risk-logistic.onnx with
// shelf-risk-logistic.card.json. Same data and options, same bytes.
//
// The data comes from the simulator's generator (models/shelf-risk/generate.ts, chained before this
// script in the npm script); without data this stops and says so.

import { existsSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { writeArtifacts } from './src/artifacts.js'
import { dataFiles, DatasetError, readDataset } from './src/dataset.js'
import { GBDT_DEFAULTS, type GbdtParams } from './src/gbdt.js'
import { LOGISTIC_DEFAULTS } from './src/logistic.js'
import { runPipeline } from './src/pipeline.js'

const HERE = dirname(fileURLToPath(import.meta.url))

const USAGE = `Usage: node --import tsx models/shelf-risk/train.ts [options]

  --data DIR|FILE          training CSV or a directory of them (default models/shelf-risk/data/)
  --out DIR                where the models and the card go (default models/shelf-risk/)
  --seed N                 seed of the row subsampling (default ${GBDT_DEFAULTS.seed})
  --trees N                most boosting rounds (default ${GBDT_DEFAULTS.trees})
  --depth N                tree depth (default ${GBDT_DEFAULTS.maxDepth})
  --learning-rate X        (default ${GBDT_DEFAULTS.learningRate})
  --subsample X            share of rows per tree (default ${GBDT_DEFAULTS.subsample})
  --bins N                 histogram bins per feature, 2-256 (default ${GBDT_DEFAULTS.maxBins})
  --lambda X               L2 on leaf values (default ${GBDT_DEFAULTS.lambda})
  --min-child-weight X     least hessian sum per child (default ${GBDT_DEFAULTS.minChildWeight})
  --early-stopping N       rounds without validation gain before stopping, 0 = never (default ${GBDT_DEFAULTS.earlyStoppingRounds})
  --test-seeds A,B         seeds held out for the metrics (default: the highest ~20%)
  --validation-seeds A,B   seeds for early stopping (default: the ~15% below those)
  --help
`

export interface Io { out: (s: string) => void, err: (s: string) => void }

export async function main (argv: string[], io: Io, cwd = process.cwd()): Promise<number> {
  let args
  try {
    args = parseArgs({
      args: argv,
      options: {
        data: { type: 'string' },
        out: { type: 'string' },
        seed: { type: 'string' },
        trees: { type: 'string' },
        depth: { type: 'string' },
        'learning-rate': { type: 'string' },
        subsample: { type: 'string' },
        bins: { type: 'string' },
        lambda: { type: 'string' },
        'min-child-weight': { type: 'string' },
        'early-stopping': { type: 'string' },
        'test-seeds': { type: 'string' },
        'validation-seeds': { type: 'string' },
        help: { type: 'boolean' }
      },
      strict: true
    }).values
  } catch (err) {
    io.err(`${(err as Error).message}\n\n${USAGE}`)
    return 2
  }
  if (args.help === true) { io.out(USAGE); return 0 }

  const num = (name: string, v: string | undefined, fallback: number): number => {
    if (v === undefined) return fallback
    const x = Number(v)
    if (v.trim() === '' || !Number.isFinite(x)) throw new UsageError(`--${name} "${v}" is not a number`)
    return x
  }
  const seeds = (name: string, v: string | undefined): number[] | undefined =>
    v === undefined ? undefined : v.split(',').map((s) => num(name, s, NaN))

  let gbdt: GbdtParams
  let split
  try {
    gbdt = {
      ...GBDT_DEFAULTS,
      seed: num('seed', args.seed, GBDT_DEFAULTS.seed),
      trees: num('trees', args.trees, GBDT_DEFAULTS.trees),
      maxDepth: num('depth', args.depth, GBDT_DEFAULTS.maxDepth),
      learningRate: num('learning-rate', args['learning-rate'], GBDT_DEFAULTS.learningRate),
      subsample: num('subsample', args.subsample, GBDT_DEFAULTS.subsample),
      maxBins: num('bins', args.bins, GBDT_DEFAULTS.maxBins),
      lambda: num('lambda', args.lambda, GBDT_DEFAULTS.lambda),
      minChildWeight: num('min-child-weight', args['min-child-weight'], GBDT_DEFAULTS.minChildWeight),
      earlyStoppingRounds: num('early-stopping', args['early-stopping'], GBDT_DEFAULTS.earlyStoppingRounds)
    }
    split = { test: seeds('test-seeds', args['test-seeds']), validation: seeds('validation-seeds', args['validation-seeds']) }
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    io.err(`${err.message}\n\n${USAGE}`)
    return 2
  }

  const dataPath = args.data !== undefined ? resolve(cwd, args.data) : join(HERE, 'data')
  const outDir = args.out !== undefined ? resolve(cwd, args.out) : HERE
  const show = (p: string): string => { const r = relative(cwd, p); return r === '' ? '.' : r.startsWith('..') ? p : r }

  if ((await dataFiles(dataPath)).length === 0) {
    io.err(noDataMessage(show(dataPath)))
    return 2
  }

  const t0 = performance.now()
  let data
  try {
    data = await readDataset(dataPath)
  } catch (err) {
    if (!(err instanceof DatasetError)) throw err
    io.err(`${err.code}: ${err.message}\n`)
    return err.code === 'SHELF_RISK_NO_DATA' ? 2 : 1
  }
  const tRead = (performance.now() - t0) / 1000
  io.err(`read ${data.rows} rows from ${data.files.length} file(s) in ${tRead.toFixed(1)} s (${data.clamped} values clamped)\n`)

  let result
  try {
    result = runPipeline(data, {
      gbdt,
      logistic: LOGISTIC_DEFAULTS,
      split,
      onRound: (r) => { if ((r.round + 1) % 25 === 0) io.err(`  round ${r.round + 1}: validation log loss ${r.validLogLoss.toFixed(5)}\n`) }
    })
  } catch (err) {
    io.err(`training failed: ${(err as Error).message}\n`)
    return 1
  }
  const written = await writeArtifacts(outDir, result)

  const c = result.card
  const m = c.metrics
  const line = (k: 'gbdt' | 'logistic' | 'rules'): string =>
    `  ${k.padEnd(9)} AUC ${m[k].auc?.toFixed(4) ?? 'n/a'}  Brier ${m[k].brier.toFixed(4)}  log loss ${m[k].logLoss.toFixed(4)}\n`
  io.out(`${c.id} ${c.version}: ${c.fit.treesKept} trees (${c.fit.roundsRun} rounds run), sha256 ${c.sha256}\n`)
  io.out(`seeds train ${c.training.seeds.train.join(',')} | validation ${c.training.seeds.validation.join(',')} | test ${c.training.seeds.test.join(',')}\n`)
  io.out(`held out (${m.gbdt.rows} rows, ${m.gbdt.positives} positive):\n${line('gbdt')}${line('logistic')}${line('rules')}`)
  const tm = result.timings
  io.out(`time: read ${tRead.toFixed(1)} s, gbdt ${tm.gbdt.toFixed(1)} s, logistic ${tm.logistic.toFixed(1)} s, evaluate ${tm.evaluate.toFixed(1)} s\n`)
  io.out(`wrote ${written.map(show).join(', ')}\n`)
  return 0
}

class UsageError extends Error {}

function noDataMessage (where: string): string {
  const generator = join(HERE, 'generate.ts')
  const how = existsSync(generator)
    ? `Generate it first: node --import tsx ${relative(process.cwd(), generator)} (npm run train:shelf-risk runs it before training).`
    : 'Generate it with the simulator first: its generator (models/shelf-risk/generate.ts) writes CSVs there; ' +
      'or pass --data FILE|DIR with CSVs in the format of models/shelf-risk/src/dataset.ts.'
  return `no training data at ${where}: no CSV files.\n${how}\n`
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2), { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) })
    .then((code) => { process.exitCode = code })
    .catch((err: unknown) => { console.error(err); process.exitCode = 1 })
}
