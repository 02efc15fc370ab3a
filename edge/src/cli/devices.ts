import { EdgeError, Errors } from '../core/errors.js'
import { loadProfiles } from '../profiles/loader.js'
import { DeviceRegistry } from '../store/devices.js'
import { configFrom, withDatabase } from './context.js'
import type { Out } from './out.js'

export function devicesCommand (args: string[], opts: { config?: string, profile?: string, name?: string, json: boolean }, out: Out): number {
  const [sub, id] = args
  const config = configFrom(opts)
  const now = (): string => new Date().toISOString()
  switch (sub) {
    case 'add': {
      if (!id || !opts.profile) {
        out.error('usage: store-edge devices add ID --profile PROFILE [--name NAME]')
        return 2
      }
      const profiles = loadProfiles(config.profilesDir)
      if (!profiles.get(opts.profile)) {
        throw new EdgeError(Errors.PROFILE_UNKNOWN, `profile "${opts.profile}" is not in ${config.profilesDir}; known: ${profiles.list().map((p) => p.id).join(', ')}`)
      }
      const { device, secret } = withDatabase(config, (db) => new DeviceRegistry(db, now).add(id, opts.profile!, opts.name ?? null))
      if (opts.json) out.line(JSON.stringify({ device, secret }))
      else {
        out.line(`registered ${device.id} (${device.profileId})`)
        out.line(`secret: ${secret}`)
        out.line('This secret is shown once. Configure the device with client id/user name = device id, password = secret.')
      }
      return 0
    }
    case 'list': {
      const devices = withDatabase(config, (db) => new DeviceRegistry(db, now).list())
      if (opts.json) out.line(JSON.stringify(devices))
      else {
        if (devices.length === 0) out.line('no devices registered')
        for (const d of devices) out.line(`${d.id}\t${d.profileId}\t${d.status}\t${d.lastSeenAt ?? '-'}\t${d.name ?? ''}`)
      }
      return 0
    }
    case 'revoke': {
      if (!id) {
        out.error('usage: store-edge devices revoke ID')
        return 2
      }
      const d = withDatabase(config, (db) => new DeviceRegistry(db, now).revoke(id))
      out.line(opts.json ? JSON.stringify(d) : `revoked ${d.id}`)
      return 0
    }
    default:
      out.error('usage: store-edge devices add|list|revoke ...')
      return 2
  }
}
