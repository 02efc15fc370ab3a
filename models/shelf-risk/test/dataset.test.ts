import { join } from 'node:path'
import t from 'tap'
import { FEATURE_INDEX } from '../../../edge/src/scoring/spec.js'
import { DATASET_COLUMNS, DatasetError, readDataset } from '../src/dataset.js'
import { CATEGORIES, syntheticRows, toCsv } from './synthetic.js'

const rows = syntheticRows([1, 2], 50, 31)
const csv = toCsv(rows)
const lines = csv.trimEnd().split('\n')

t.test('a directory of CSVs reads in file-name order into float32 columns, labels, seeds and categories', async (t) => {
  const dir = t.testdir({ 'b.csv': [lines[0], ...lines.slice(51)].join('\n') + '\n', 'a.csv': lines.slice(0, 51).join('\n') + '\n', 'notes.txt': 'ignored' })
  const d = await readDataset(dir)
  t.equal(d.rows, 100)
  t.same(d.files.map((f) => [f.name, f.rows]), [['a.csv', 50], ['b.csv', 50]])
  t.same([d.seeds[0], d.seeds[99]], [1, 2])
  t.equal(d.columns.length, 22)
  t.equal(d.columns[FEATURE_INDEX.cover_h][7], rows[7].features[FEATURE_INDEX.cover_h])
  t.same(Array.from(d.labels), rows.map((r) => r.label))
  t.same(d.categories[d.category[3]], rows[3].category)
  t.same([d.scenarios, d.policies, d.stores], [['typical'], ['store-edge'], ['CA_1']])
  t.equal(d.policies[d.policy[42]], 'store-edge')
  t.match(d.sha256, /^[0-9a-f]{64}$/)
})

t.test('one file reads the same as a directory holding it; CRLF line ends and quoted fields are fine', async (t) => {
  const quoted = lines.map((l, i) => (i === 0 ? l : l.replace(',FOODS,', ',"FOODS",'))).join('\r\n')
  const dir = t.testdir({ 'one.csv': quoted })
  const d = await readDataset(join(dir, 'one.csv'))
  t.equal(d.rows, 100)
  t.same([...d.categories].sort(), [...CATEGORIES].sort(), 'quotes are not part of the value')
  t.equal(d.columns[FEATURE_INDEX.dow][99], rows[99].features[FEATURE_INDEX.dow], 'the last line needs no newline')
})

t.test('the data sha256 changes with one changed byte', async (t) => {
  const dir = t.testdir({ 'x.csv': csv, 'y.csv': csv.replace(/,1\n/, ',0\n') })
  const a = await readDataset(join(dir, 'x.csv'))
  const b = await readDataset(join(dir, 'y.csv'))
  t.not(a.sha256, b.sha256)
})

t.test('a header that differs from the spec is refused, naming the column', async (t) => {
  const wrong = csv.replace('cover_h', 'cover_hours')
  const dir = t.testdir({ 'bad.csv': wrong, 'short.csv': csv.replace(',label\n', '\n'), 'extra.csv': csv.replace(',label\n', ',label,note\n') })
  await t.rejects(readDataset(join(dir, 'bad.csv')), {
    code: 'SHELF_RISK_BAD_HEADER',
    column: 'cover_h',
    line: 1,
    message: /bad\.csv:1: column 11 is "cover_hours" where the spec expects "cover_h"/
  })
  await t.rejects(readDataset(join(dir, 'short.csv')), { code: 'SHELF_RISK_BAD_HEADER', message: /"label" is missing/ })
  await t.rejects(readDataset(join(dir, 'extra.csv')), { code: 'SHELF_RISK_BAD_HEADER', message: /extra column 32 "note"/ })
})

t.test('a bad row is refused with its file, line and column', async (t) => {
  /** The CSV with one field of data line `k` (file line k + 1) set to `value`. */
  const edit = (k: number, column: string, value: string): string => lines.map((l, i) => {
    if (i !== k) return l
    const f = l.split(',')
    f[DATASET_COLUMNS.indexOf(column)] = value
    return f.join(',')
  }).join('\n')
  const dir = t.testdir({
    'nan.csv': edit(5, 'silence_ratio', 'abc'),
    'empty.csv': edit(6, 'obs_gap', ''),
    'label.csv': edit(7, 'label', 'yes'),
    'seed.csv': edit(8, 'seed', '1.5'),
    'fields.csv': edit(1, 'ts', '2016-01-04T00:00:00Z,extra')
  })
  await t.rejects(readDataset(join(dir, 'nan.csv')), { code: 'SHELF_RISK_BAD_ROW', line: 6, column: 'silence_ratio', message: /nan\.csv:6: column "silence_ratio" is "abc", not a finite number/ })
  await t.rejects(readDataset(join(dir, 'empty.csv')), { line: 7, column: 'obs_gap', message: /column "obs_gap" is ""/ })
  await t.rejects(readDataset(join(dir, 'label.csv')), { line: 8, column: 'label', message: /label is "yes", not 0 or 1/ })
  await t.rejects(readDataset(join(dir, 'seed.csv')), { line: 9, column: 'seed', message: /seed "1.5" is not an integer/ })
  await t.rejects(readDataset(join(dir, 'fields.csv')), { line: 2, message: /fields\.csv:2: 32 fields where the header has 31/ })
})

t.test('values outside the spec range are clamped into it, as the server clamps, and counted', async (t) => {
  const fields = lines[1].split(',')
  fields[DATASET_COLUMNS.indexOf('hour')] = '30'
  fields[DATASET_COLUMNS.indexOf('cover_h')] = '-5'
  const dir = t.testdir({ 'x.csv': [lines[0], fields.join(','), ...lines.slice(2)].join('\n') })
  const d = await readDataset(join(dir, 'x.csv'))
  t.equal(d.columns[FEATURE_INDEX.hour][0], 23)
  t.equal(d.columns[FEATURE_INDEX.cover_h][0], 0)
  t.equal(d.clamped, 2)
})

t.test('no CSV at the path, or a header and no rows, is "no data"', async (t) => {
  const dir = t.testdir({ empty: {}, 'header.csv': lines[0] + '\n' })
  await t.rejects(readDataset(join(dir, 'empty')), { code: 'SHELF_RISK_NO_DATA' })
  await t.rejects(readDataset(join(dir, 'missing')), { code: 'SHELF_RISK_NO_DATA' })
  await t.rejects(readDataset(join(dir, 'header.csv')), { code: 'SHELF_RISK_NO_DATA' })
  t.ok(new DatasetError('SHELF_RISK_NO_DATA', 'x') instanceof Error)
})
