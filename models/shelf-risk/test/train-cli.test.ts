import { readFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import ort from 'onnxruntime-node'
import t from 'tap'
import { main } from '../train.js'
import { writeSyntheticRuns } from './synthetic.js'

async function train (args: string[]): Promise<{ code: number, out: string, err: string }> {
  let out = ''
  let err = ''
  const code = await main(args, { out: (s) => { out += s }, err: (s) => { err += s } })
  return { code, out, err }
}

t.test('without data it stops and says to run the generator', async (t) => {
  const dir = t.testdir({ data: {} })
  const r = await train(['--data', join(dir, 'data'), '--out', join(dir, 'out')])
  t.equal(r.code, 2)
  t.match(r.err, /no training data at .*data: no CSV files/)
  t.match(r.err, /models\/shelf-risk\/generate\.ts/)
})

t.test('it writes both models and the card, and the same run writes the same bytes', async (t) => {
  const dir = t.testdir({ data: {} })
  writeSyntheticRuns(join(dir, 'data'), [1, 2, 3, 4], 800)
  const args = ['--data', join(dir, 'data'), '--trees', '15', '--seed', '3']
  const a = await train([...args, '--out', join(dir, 'a')])
  t.equal(a.code, 0, a.err)
  t.match(a.out, /shelf-risk 1\.0\.0\+[0-9a-f]{12}: \d+ trees/)
  t.match(a.out, /gbdt +AUC 0\.\d+/)
  const b = await train([...args, '--out', join(dir, 'b')])
  t.equal(b.code, 0)
  for (const f of ['shelf-risk.onnx', 'model-card.json', 'MODEL_CARD.md', 'shelf-risk-logistic.onnx', 'shelf-risk-logistic.card.json']) {
    t.ok(readFileSync(join(dir, 'a', f)).equals(readFileSync(join(dir, 'b', f))), `${f}: same bytes`)
  }
  const card = JSON.parse(readFileSync(join(dir, 'a', 'model-card.json'), 'utf8'))
  const onnx = readFileSync(join(dir, 'a', 'shelf-risk.onnx'))
  t.equal(card.sha256, createHash('sha256').update(onnx).digest('hex'))
  t.same(card.hyperParameters.gbdt.trees, 15)
  const session = await ort.InferenceSession.create(onnx)
  t.same([session.inputNames, session.outputNames], [['features'], ['risk']])
})

t.test('a bad header stops the run with its code and the column; a bad option with the usage', async (t) => {
  const dir = t.testdir({ 'bad.csv': 'seed,policy,scenario\n1,a,b\n' })
  const r = await train(['--data', join(dir, 'bad.csv'), '--out', join(dir, 'out')])
  t.equal(r.code, 1)
  t.match(r.err, /SHELF_RISK_BAD_HEADER: .*bad\.csv:1: column 4 "store" is missing/)
  const u = await train(['--trees', 'many'])
  t.equal(u.code, 2)
  t.match(u.err, /--trees "many" is not a number[\s\S]*Usage:/)
  t.equal((await train(['--what'])).code, 2)
})
