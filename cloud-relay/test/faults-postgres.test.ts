// Issue 7's fault tests with the relay on PostgreSQL (RELAY_TEST_DATABASE_URL, default the local
// test database; a fresh schema per rig, dropped at the end). One store server and relay (each
// takes seconds to start on a loaded machine) go through the link faults (helpers/link-faults.ts: cut,
// stall, reset, each mid-drain) and the ERP faults (helpers/erp-faults.ts: 500 for a while, hanging,
// applied with the answer lost), one after the other, each check covering everything written so
// far; then raw batches twice and out of order to a relay of their own.

import t from 'tap'
import { startRig } from './helpers/fault-rig.js'
import { batchesTwiceOutOfOrder, erpFaults, slowErpLease } from './helpers/erp-faults.js'
import { linkFaults } from './helpers/link-faults.js'

t.test('a store server and the relay on postgres through link and ERP faults', async (t) => {
  const rig = await startRig(t, { storage: 'postgres' })
  await linkFaults(t, rig)
  await erpFaults(t, rig)
})

batchesTwiceOutOfOrder(t, 'postgres')
slowErpLease(t, 'postgres')
