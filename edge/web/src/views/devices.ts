// Devices: the registry with live status and last seen, each device's dead letters (the reason and
// the raw payload as it arrived), and, for a manager, registering a device: its secret is shown
// once and never again.

import { get, post } from '../api.js'
import { formDialog, secretDialog } from '../dialog.js'
import { age, badge, h, replace } from '../dom.js'
import { isManager, type Ctx, type View } from '../view.js'

interface Device { id: string, profileId: string, name: string | null, status: string, lastSeenAt: string | null, createdAt: string, battery: { pct: number, at: string } | null }
interface DeadLetter { id: number, receivedAt: string, reason: string, detail: string, channel: string | null, raw: string | null, rawEncoding: string | null }

const STATUS_TONE: Record<string, 'ok' | 'warn' | 'bad' | 'mute'> = { online: 'ok', offline: 'bad', never_seen: 'warn', revoked: 'mute' }

async function deadLetters (deviceId: string): Promise<HTMLElement> {
  const r = await get<{ deadLetters: DeadLetter[] }>(`/api/v1/dead-letters?deviceId=${encodeURIComponent(deviceId)}&limit=20&newestFirst=true`)
  if (r.deadLetters.length === 0) return h('p.muted', {}, 'No dead letters: everything this device sent was accepted.')
  return h('table.data.inner', {},
    h('thead', {}, h('tr', {}, h('th', {}, 'When'), h('th', {}, 'Reason'), h('th', {}, 'Raw payload'))),
    h('tbody', {}, ...r.deadLetters.map((d) => h('tr', {},
      h('td', {}, age(d.receivedAt), ' ago'),
      h('td', {}, badge(d.reason, 'bad'), h('div.muted', {}, d.detail)),
      h('td', {}, h('pre.raw', {}, d.raw === null ? '(none)' : d.rawEncoding === 'base64' ? `base64: ${d.raw}` : d.raw))))))
}

async function register (ctx: Ctx, refresh: () => Promise<void>): Promise<void> {
  const r = await get<{ profiles: Array<{ id: string, kind: string }> }>('/api/v1/device-profiles')
  const v = await formDialog('Register a device', 'The device signs in with its id and the secret shown next (MQTT user name and password, or HTTP Basic).', [
    { name: 'id', label: 'Device id', required: true, hint: 'e.g. hh-07, cam-aisle-3' },
    { name: 'profileId', label: 'Profile (device model)', type: 'select', options: r.profiles.map((p) => ({ value: p.id, label: `${p.id} (${p.kind})` })) },
    { name: 'name', label: 'Name (optional)' }
  ], 'Register')
  if (v === null) return
  try {
    const out = await post<{ device: Device, secret: string }>('/api/v1/devices', { id: v.id, profileId: v.profileId, ...(v.name !== '' ? { name: v.name } : {}) })
    await secretDialog(`${out.device.id} is registered`, ['Configure the device with this secret now. It is shown once: the server keeps only a hash of it.'], out.secret)
  } catch (e) { ctx.toast((e as Error).message, 'bad') }
  await refresh()
}

export function devicesView (ctx: Ctx): View {
  const body = h('tbody')
  const summary = h('p.muted')
  const open = new Set<string>()
  const el = h('section', {},
    h('div.toolbar', {}, summary, isManager(ctx) ? h('button.primary', { type: 'button', onclick: () => { void register(ctx, refresh) } }, 'Register a device') : null),
    h('div.scroll', {}, h('table.data', { 'data-testid': 'devices' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Device'), h('th', {}, 'Profile'), h('th', {}, 'Status'), h('th', {}, 'Last seen'), h('th', {}, 'Battery'), h('th', {}, 'Dead letters'))),
      body)))
  const refresh = async (): Promise<void> => {
    const r = await get<{ devices: Device[] }>('/api/v1/devices')
    const counts = r.devices.reduce<Record<string, number>>((m, d) => { m[d.status] = (m[d.status] ?? 0) + 1; return m }, {})
    replace(summary, `${r.devices.length} devices: ${counts.online ?? 0} online, ${counts.offline ?? 0} offline, ${counts.never_seen ?? 0} never seen, ${counts.revoked ?? 0} revoked.`)
    const rows: HTMLElement[] = []
    for (const d of r.devices) {
      const detail = h('td', { colspan: 6 })
      // The label stays put while Show/Hide flips, so the redrawn toggle keeps the keyboard's focus (focus.ts).
      const toggle = h('button.small.ghost', { type: 'button', 'aria-label': `Dead letters of ${d.id}`, 'aria-expanded': String(open.has(d.id)), onclick: () => { if (open.has(d.id)) open.delete(d.id); else open.add(d.id); void refresh() } }, open.has(d.id) ? 'Hide' : 'Show')
      rows.push(h('tr', { 'data-device-id': d.id },
        h('td', {}, h('strong', {}, d.id), d.name !== null ? h('div.muted', {}, d.name) : null),
        h('td', {}, d.profileId),
        h('td', {}, badge(d.status.replace('_', ' '), STATUS_TONE[d.status] ?? 'info')),
        h('td', { title: d.lastSeenAt ?? '' }, d.lastSeenAt === null ? '–' : `${age(d.lastSeenAt)} ago`),
        h('td', { title: d.battery === null ? 'never reported' : `reported ${age(d.battery.at)} ago` },
          d.battery === null ? '–' : badge(`${d.battery.pct}%`, d.battery.pct < 15 ? 'bad' : d.battery.pct < 30 ? 'warn' : 'ok')),
        h('td', {}, toggle)))
      if (open.has(d.id)) {
        rows.push(h('tr.detail', {}, detail))
        replace(detail, await deadLetters(d.id))
      }
    }
    replace(body, ...rows)
  }
  return { title: 'Devices', el, topics: ['devices'], refresh }
}
