// MODEL_CARD.md: the card for people, rendered from model-card.json's data only (so it repeats
// byte for byte like the rest).

import type { CalibrationBin } from './metrics.js'
import { CONTENDERS, type ModelCard } from './card.js'

const f3 = (x: number | null): string => (x === null || Number.isNaN(x) ? 'n/a' : x.toFixed(3))
const f4 = (x: number | null): string => (x === null || Number.isNaN(x) ? 'n/a' : x.toFixed(4))
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`
/** Float32 values read back as doubles (0.800000011920929): six significant digits for people. */
const num = (x: number): string => String(Number(x.toPrecision(4)))
// A '|' inside a cell ("mean |counted - record|") would end the cell: escape it.
const row = (cells: Array<string | number>): string => `| ${cells.map((c) => String(c).replaceAll('|', '\\|')).join(' | ')} |`
const table = (head: string[], rows: Array<Array<string | number>>): string =>
  [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n')

const LABELS: Record<typeof CONTENDERS[number], string> = { gbdt: 'GBDT (this model)', logistic: 'logistic baseline', rules: 'rules (server fallback)' }

export function renderCard (c: ModelCard): string {
  const m = c.model
  const t = c.training
  const e = c.evaluation
  const rules = c.related.find((r) => r.kind === 'rules')
  const others = c.related.filter((r) => r.kind !== 'rules')
  const out: string[] = []
  out.push(`# Model card: ${c.id} ${c.version}`, '')
  out.push(`Answers, for one SKU on its shelf, the ${m.output.meaning}. The store server scores every ` +
    'shelf with it and ranks replenishment tasks by it; when the model is missing or refused it falls back ' +
    `to the rules (\`${rules?.file ?? ''}\`, ${rules?.id ?? ''} v${rules?.version ?? ''}), scored below side by side.`, '')
  out.push(table(['', ''], [
    ['file', `\`${c.file}\` (${c.bytes} bytes)`],
    ['sha256', `\`${c.sha256}\``],
    ['kind', `${c.kind}: ${Object.entries(m.detail).map(([k, v]) => `${k} ${String(v)}`).join(', ')}`],
    ['input', `\`${m.input.name}\` ${m.input.type} [N, ${m.input.shape[1]}], features in the order below`],
    ['output', `\`${m.output.name}\` ${m.output.type} [N, 1], probability 0-1`],
    ['graph', m.graph],
    ['ONNX', `IR ${m.onnx.irVersion}, opset ${m.onnx.opset}${m.onnx.mlOpset !== null ? `, ai.onnx.ml ${m.onnx.mlOpset}` : ''}; model_version ${m.onnx.modelVersion}; producer "${m.onnx.producer}"`],
    ...others.map((r) => [`also trained`, `\`${r.file}\` (${r.kind}, sha256 \`${r.sha256 ?? ''}\`)`])
  ]), '')

  out.push('## Held-out metrics', '')
  out.push(`On ${e.on}: seeds ${e.seeds.join(', ')}, ${c.metrics.gbdt.rows} rows, ${c.metrics.gbdt.positives} positive.`, '')
  out.push(table(['model', 'ROC AUC', 'Brier', 'log loss'],
    CONTENDERS.map((k) => [LABELS[k], f4(c.metrics[k].auc), f4(c.metrics[k].brier), f4(c.metrics[k].logLoss)])), '')
  out.push('AUC: chance a shelf that did run empty scores above one that did not (ties count half). ' +
    'Brier: mean squared error of the probability. Log loss: nats per row. Lower is better for both.', '')

  out.push('### Calibration (GBDT)', '')
  out.push(calibrationTable(e.calibration.gbdt), '')
  out.push('<details><summary>Logistic and rules</summary>', '')
  for (const k of ['logistic', 'rules'] as const) out.push(`${LABELS[k]}:`, '', calibrationTable(e.calibration[k]), '')
  out.push('</details>', '')

  out.push('### By category', '')
  out.push(table(['category', 'rows', 'positive', ...CONTENDERS.map((k) => `AUC ${k}`)],
    e.perCategory.map((g) => [g.category, g.rows, g.positives, ...CONTENDERS.map((k) => f3(g.auc[k]))])), '')
  out.push('### By what the record said of the shelf', '')
  out.push('Shelves the record already shows empty are easy for every scorer; those still showing stock are the real forecast.', '')
  out.push(table(['record when scored', 'rows', 'positive', ...CONTENDERS.map((k) => `AUC ${k}`), ...CONTENDERS.map((k) => `Brier ${k}`)],
    e.perShelfRecord.map((g) => [g.shelfRecord, g.rows, g.positives, ...CONTENDERS.map((k) => f3(g.auc[k])), ...CONTENDERS.map((k) => f4(g.brier[k]))])), '')
  out.push('### By scenario', '')
  out.push(table(['scenario', 'rows', 'positive', ...CONTENDERS.map((k) => `AUC ${k}`)],
    e.perScenario.map((g) => [g.scenario, g.rows, g.positives, ...CONTENDERS.map((k) => f3(g.auc[k]))])), '')

  out.push('### By policy', '')
  out.push('How the simulated store was run. Under "traditional" the server is not told of fills and moves, so its record and ' +
    'its "gap not followed by a fill" drift from the shelf; under "store-edge" they are kept current.', '')
  out.push(table(['policy', 'rows', 'positive', ...CONTENDERS.map((k) => `AUC ${k}`), ...CONTENDERS.map((k) => `Brier ${k}`)],
    e.perPolicy.map((g) => [g.policy, g.rows, g.positives, ...CONTENDERS.map((k) => f3(g.auc[k])), ...CONTENDERS.map((k) => f4(g.brier[k]))])), '')

  out.push('## Features', '')
  out.push('The input columns, in this order (`edge/src/scoring/spec.ts`). Values are clamped into the spec range before scoring, ' +
    `in training as on the server. Seen: the range over the training rows. Importance: ${c.importanceIs}.`, '')
  out.push(table(['#', 'name', 'what, unit', 'spec range', 'seen in training', 'mean', 'importance'],
    c.features.map((f) => [f.index, `\`${f.name}\``, f.doc, `${f.clamp.min} to ${f.clamp.max}`, `${num(f.min)} to ${num(f.max)}`, num(f.mean), pct(f.importance)])), '')

  out.push('## Training data', '')
  out.push(table(['', ''], [
    ['rows', `${t.rows}, ${pct(t.positiveRate)} positive`],
    ['sha256', `\`${t.dataSha256}\` (over file names and their sha256)`],
    ['files', t.files.map((f) => `\`${f.name}\` (${f.rows} rows)`).join(', ')],
    ['train seeds', `${t.seeds.train.join(', ')}: ${t.splits.train.rows} rows, ${pct(t.splits.train.positiveRate)} positive`],
    ['validation seeds', `${t.seeds.validation.join(', ')}: ${t.splits.validation.rows} rows, ${pct(t.splits.validation.positiveRate)} positive (early stopping)`],
    ['test seeds', `${t.seeds.test.join(', ')}: ${t.splits.test.rows} rows, ${pct(t.splits.test.positiveRate)} positive (metrics above)`],
    ['scenarios', t.scenarios.join(', ')],
    ['policies', t.policies.join(', ')],
    ['stores', t.stores.join(', ')],
    ['categories', t.categories.join(', ')],
    ['clamped values', num(t.clampedValues)]
  ]), '')
  out.push('Splits are by simulator seed, never by row: rows of one run are correlated.', '')

  out.push('## Training', '')
  out.push(table(['parameter', 'value'], [
    ['seed', c.hyperParameters.seed],
    ...Object.entries(c.hyperParameters.gbdt).filter(([k]) => k !== 'seed').map(([k, v]) => [`gbdt.${k}`, String(v)]),
    ...Object.entries(c.hyperParameters.logistic).map(([k, v]) => [`logistic.${k}`, String(v)]),
    ['GBDT rounds run / trees kept', `${c.fit.roundsRun} / ${c.fit.treesKept}`],
    ['best validation log loss', f4(c.fit.bestValidationLogLoss)],
    ['logistic Newton iterations', `${c.fit.logisticIterations}${c.fit.logisticConverged ? '' : ' (not converged)'}`],
    ['pipeline', t.pipelineVersion]
  ]), '')
  out.push('Retrain: `npm run train:shelf-risk` (options: `node --import tsx models/shelf-risk/train.ts --help`). ' +
    'The same data, options and seed give the same bytes and the same sha256.', '')

  out.push('## Drift monitoring', '')
  out.push(`\`model-card.json\` → \`features[]\` holds, per feature, ${c.drift.bins}-quantile bin edges over the ${c.drift.rows} training rows and ` +
    `the share of rows in each bin (the server computes PSI of recent inputs against them; ${c.drift.binRule}; ` +
    'tied deciles merge, so a feature may have fewer bins), and the range seen in training (inputs outside it are flagged: ' +
    'the trees are flat beyond it).', '')
  out.push(table(['feature', 'bins', 'edges', 'shares'],
    c.features.map((f) => [`\`${f.name}\``, f.shares.length, f.edges.map(num).join(', '), f.shares.map((x) => x.toFixed(3)).join(' ')])), '')
  return out.join('\n')
}

function calibrationTable (bins: CalibrationBin[]): string {
  return table(['predicted', 'rows', 'mean predicted', 'observed rate'],
    bins.map((b) => [`${b.from.toFixed(1)}-${b.to.toFixed(1)}`, b.rows, f3(b.meanPredicted), f3(b.observedRate)]))
}
