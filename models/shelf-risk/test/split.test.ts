import t from 'tap'
import { rowsOf, splitSeeds } from '../src/split.js'

t.test('by default the highest seeds are the test, the next ones the validation, the rest train', async (t) => {
  const seeds = [3, 1, 2, 10, 9, 8, 7, 6, 5, 4, 1, 1]
  const s = splitSeeds(seeds)
  t.same(s.test, [9, 10], '20% of 10 seeds')
  t.same(s.validation, [7, 8], '15% of 10 seeds, rounded')
  t.same(s.train, [1, 2, 3, 4, 5, 6])
})

t.test('three seeds give one of each; fewer cannot be split and say so', async (t) => {
  t.same(splitSeeds([5, 6, 7]), { train: [5], validation: [6], test: [7] })
  t.throws(() => splitSeeds([1, 1, 2]), /2 seed\(s\) \(1, 2\) cannot give train, validation and test seeds/)
})

t.test('test and validation seeds can be named; unknown or doubled seeds are refused', async (t) => {
  t.same(splitSeeds([1, 2, 3, 4], { test: [1], validation: [4] }), { train: [2, 3], validation: [4], test: [1] })
  t.same(splitSeeds([1, 2, 3, 4], { test: [2] }), { train: [1, 3], validation: [4], test: [2] })
  t.throws(() => splitSeeds([1, 2, 3], { test: [9] }), /seed 9 is not in the data/)
  t.throws(() => splitSeeds([1, 2, 3], { test: [2], validation: [2] }), /both test and validation/)
})

t.test('rows are picked by seed, in row order', async (t) => {
  t.same(Array.from(rowsOf([1, 2, 1, 3, 2], [2, 3])), [1, 3, 4])
})
