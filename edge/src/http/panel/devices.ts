// Devices as the panel's overview shows them: registered (not revoked), online now (presence, in
// memory), offline (seen before, silent now) with the offline ones listed, never seen, revoked.

import type { AppDeps } from '../deps.js'

export interface DevicesView {
  registered: number
  online: number
  offline: number
  neverSeen: number
  revoked: number
  /** Offline devices, longest silent first. */
  offlineDevices: Array<{ id: string, name: string | null, profileId: string, lastSeenAt: string | null }>
}

export function devicesView (deps: Pick<AppDeps, 'registry' | 'presence'>): DevicesView {
  const v: DevicesView = { registered: 0, online: 0, offline: 0, neverSeen: 0, revoked: 0, offlineDevices: [] }
  for (const d of deps.registry.list()) {
    if (d.status === 'revoked') { v.revoked++; continue }
    v.registered++
    if (deps.presence.isOnline(d.id)) v.online++
    else if (d.lastSeenAt === null) v.neverSeen++
    else {
      v.offline++
      v.offlineDevices.push({ id: d.id, name: d.name, profileId: d.profileId, lastSeenAt: d.lastSeenAt })
    }
  }
  v.offlineDevices.sort((a, b) => (a.lastSeenAt ?? '').localeCompare(b.lastSeenAt ?? '') || a.id.localeCompare(b.id))
  return v
}

export const devicesSchema = {
  type: 'object',
  properties: {
    registered: { type: 'integer', description: 'registered and not revoked' },
    online: { type: 'integer' },
    offline: { type: 'integer', description: 'seen before, not online now' },
    neverSeen: { type: 'integer' },
    revoked: { type: 'integer' },
    offlineDevices: {
      type: 'array',
      items: { type: 'object', properties: { id: { type: 'string' }, name: { type: ['string', 'null'] }, profileId: { type: 'string' }, lastSeenAt: { type: ['string', 'null'] } } }
    }
  }
} as const
