// The reconciliation digest: the same ids in any order give the same digest; a missing, extra or
// doubled id changes it; added up in parts it equals the whole.

import t from 'tap'
import { addDigest, digestOf, EMPTY_DIGEST, idTerm } from '../../src/core/digest.js'

t.test('order-independent, sensitive to loss and doubling, additive', async (t) => {
  const ids = ['order:1', 'receipt:2', 'inventory_adjustment:3']
  t.equal(digestOf(ids), digestOf([...ids].reverse()))
  t.not(digestOf(ids), digestOf(ids.slice(0, 2)), 'one lost')
  t.not(digestOf(ids), digestOf([...ids, 'order:1']), 'one doubled')
  t.equal(addDigest(digestOf(ids.slice(0, 1)), ids.slice(1).map(idTerm)), digestOf(ids), 'in parts as a whole')
  t.equal(digestOf([]), EMPTY_DIGEST)
  t.match(digestOf(ids), /^[0-9a-f]{16}$/)
})
