// Prepares the server's data dir before the server starts, with the project's own modules: the
// schema (openDatabase migrates), master data through importMasterData, and the device fleet
// through the registry. Secrets go to a file, as an operator would keep them, and are read back.

import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { silentLog } from '../../edge/src/core/log.js'
import { openDatabase } from '../../edge/src/store/db.js'
import { DeviceRegistry } from '../../edge/src/store/devices.js'
import { importMasterData } from '../../edge/src/store/import/index.js'
import { fleet, generateMasterData, PROFILE_OF, type BenchDevice, type BenchItem } from './data.js'

export interface Prepared {
  items: BenchItem[]
  devices: BenchDevice[]
  secretsFile: string
  imported: { locations: number, items: number, onHand: number }
}

export function prepareDataDir (dataDir: string, skus: number, deviceCount: number): Prepared {
  const now = (): string => new Date().toISOString()
  const db = openDatabase({ dataDir, synchronous: 'NORMAL', log: silentLog(), now })
  try {
    const { data, items } = generateMasterData(skus)
    const imported = importMasterData(db, { format: 'json', text: JSON.stringify(data) }, now())
    const registry = new DeviceRegistry(db, now)
    const secrets: Record<string, { profileId: string, secret: string }> = {}
    // One transaction for the whole fleet: one fsync, not one per device.
    db.transaction(() => {
      for (const d of fleet(deviceCount)) {
        const { profileId } = PROFILE_OF[d.kind]
        secrets[d.id] = { profileId, secret: registry.add(d.id, profileId, `bench ${d.kind}`).secret }
      }
    })()
    const secretsFile = join(dataDir, '..', 'device-secrets.json')
    writeFileSync(secretsFile, JSON.stringify(secrets), { mode: 0o600 })
    return { items, devices: readDevices(secretsFile), secretsFile, imported }
  } finally {
    db.close()
  }
}

export function readDevices (file: string): BenchDevice[] {
  const secrets = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { profileId: string, secret: string }>
  return Object.entries(secrets).map(([id, s]) => {
    const kind = (Object.keys(PROFILE_OF) as Array<keyof typeof PROFILE_OF>).find((k) => PROFILE_OF[k].profileId === s.profileId)!
    return { id, kind, profileId: s.profileId, stream: PROFILE_OF[kind].stream, secret: s.secret }
  })
}
