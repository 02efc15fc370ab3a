// The store's devices on a real store server: POS lanes and shelf cameras are MQTT devices (QoS 1:
// acknowledged means committed), handhelds and the back office post canonical events over HTTP.
// POS lanes and handhelds keep what they produce while offline and replay it on reconnect (the
// server applies each id once); a camera that is offline simply sees nothing.

import { ApiError, type ActionAnswer, type DeviceCredentials, type StoreApi } from '../drive/api.js'
import { Handheld } from '../drive/handheld.js'
import { MqttDevice } from '../drive/mqtt-device.js'
import type { Layout } from '../layout.js'
import { iso } from '../policy/ports.js'
import { BACKOFFICE, cameraId, handheldId, POS_LANES, posId, type BasketLine, type StoreDevices } from './devices.js'

/** Every simulated associate signs in with badge B-<id> and this PIN. */
const SIM_PIN = '2468'
const badgeOf = (associate: string): string => `B-${associate}`

export class ServerDevices implements StoreDevices {
  private readonly pending: Array<Promise<unknown>> = []
  /** Posts of one handheld go one after another, in the order the associate made them. */
  private readonly chains = new Map<string, Promise<unknown>>()
  private readonly sent: Record<string, number> = { baskets: 0, gaps: 0, handheldEvents: 0, clockMoves: 0, taskActions: 0, taskRefused: 0, taskFallbacks: 0 }
  /** Sign-in tokens per associate, renewed when the server says one expired. */
  private readonly tokens = new Map<string, string>()
  private readonly refusals: Array<{ associate: string, taskId: number, code: string, message: string }> = []
  private failure: Error | null = null

  private constructor (
    private readonly api: StoreApi,
    private readonly mqttDevices: Map<string, MqttDevice>,
    private readonly handhelds: Map<string, Handheld>,
    private readonly handheldLinks: Map<string, MqttDevice>,
    private readonly creds: Map<string, DeviceCredentials>
  ) {}

  /** Registers the store's devices on the server and connects them. */
  static async create (opts: { api: StoreApi, mqttHost?: string, mqttPort: number, storeId: string, layout: Layout, associates: string[] }): Promise<ServerDevices> {
    const { api } = opts
    const mqttDevices = new Map<string, MqttDevice>()
    const handhelds = new Map<string, Handheld>()
    const connect = async (id: string, profile: string, buffer: boolean): Promise<void> => {
      const creds: DeviceCredentials = await api.registerDevice(id, profile)
      mqttDevices.set(id, await MqttDevice.connect({ host: opts.mqttHost, port: opts.mqttPort, storeId: opts.storeId, creds, bufferWhileOffline: buffer }))
    }
    for (const lane of POS_LANES) await connect(posId(lane), 'pos-sales-feed', true)
    for (const zone of opts.layout.zones) await connect(cameraId(zone), 'shelf-camera-gap', false)
    const links = new Map<string, MqttDevice>()
    const allCreds = new Map<string, DeviceCredentials>()
    for (const a of opts.associates) await api.addAssociate({ id: a, name: a, badge: badgeOf(a), pin: SIM_PIN })
    for (const id of [BACKOFFICE, ...opts.associates.map(handheldId)]) {
      const creds = await api.registerDevice(id, 'handheld-scanner-app')
      allCreds.set(id, creds)
      handhelds.set(id, new Handheld(api, creds))
      // The app keeps an MQTT link for its heartbeat and downlink; its events go over HTTP.
      links.set(id, await MqttDevice.connect({ host: opts.mqttHost, port: opts.mqttPort, storeId: opts.storeId, creds, bufferWhileOffline: false }))
    }
    return new ServerDevices(api, mqttDevices, handhelds, links, allCreds)
  }

  async clock (t: number): Promise<void> {
    this.check()
    await this.api.setClock(t)
    this.sent.clockMoves++
    // At QoS 1 and awaited: a heartbeat still in flight when the clock next moves would let the
    // server's sweep see a live device as silent.
    const beats: Array<Promise<boolean>> = []
    for (const d of this.mqttDevices.values()) if (d.online) beats.push(d.publish('heartbeat', {}))
    let i = 0
    for (const d of this.handheldLinks.values()) {
      if (d.online) beats.push(d.publish('heartbeat', { battery: handheldBattery(t, i) }))
      i++
    }
    await Promise.all(beats)
  }

  basket (t: number, lane: string, txnId: string, lines: BasketLine[]): void {
    const pos = this.mqttDevices.get(posId(lane))
    if (!pos) throw new Error(`no POS lane ${lane}`)
    this.sent.baskets++
    this.track(pos.publish('basket', { txnId, ts: iso(t), lane, lines: lines.map((l, i) => ({ lineNo: i + 1, sku: l.sku, qty: l.qty, price: l.price })) }))
  }

  gap (t: number, zone: string, detId: string, bay: string, sku: string): void {
    const cam = this.mqttDevices.get(cameraId(zone))
    if (!cam) throw new Error(`no camera for zone ${zone}`)
    this.sent.gaps++
    this.track(cam.publish('gap', { detId, ts: iso(t), bay, facing: 1, gapRatio: 1, confidence: 0.9, candidates: [sku] }))
  }

  post (associate: string, events: object[]): void {
    const id = associate === 'receiving' ? BACKOFFICE : handheldId(associate)
    const hh = this.handhelds.get(id)
    if (!hh) throw new Error(`no handheld ${id}`)
    this.sent.handheldEvents += events.length
    const next = (this.chains.get(id) ?? Promise.resolve()).then(() => hh.post(events))
    this.chains.set(id, next)
    this.track(next)
  }

  /** The ASN goes on the back office's chain, so it is on the server before the receipts scanned against it. */
  asn (asn: { id: string, supplier: string, lines: Array<{ sku: string, qty: number, cases: number }> }): void {
    this.sent.asns = (this.sent.asns ?? 0) + 1
    const next = (this.chains.get(BACKOFFICE) ?? Promise.resolve()).then(() => this.api.postAsn(asn))
    this.chains.set(BACKOFFICE, next)
    this.track(next)
  }

  act (associate: string, actions: object[], equivalent: object[]): void {
    const id = handheldId(associate)
    const hh = this.handhelds.get(id)
    const creds = this.creds.get(id)
    if (!hh || !creds) throw new Error(`no handheld ${id}`)
    this.sent.taskActions += actions.length
    const send = async (batch: object[]): Promise<void> => {
      const answers = await this.postActions(associate, creds, batch)
      const refused = answers.filter((r) => r.status === 'conflict' || r.status === 'rejected')
      for (const r of refused) this.refusals.push({ associate, taskId: r.taskId, code: r.error?.code ?? r.status, message: r.error?.message ?? '' })
      this.sent.taskRefused += refused.length
      const completes = new Set(batch.flatMap((a, i) => (a as { action?: string }).action === 'complete' ? [i] : []))
      if (equivalent.length > 0 && refused.some((r) => completes.has(r.index))) {
        // The work happened on the floor whatever the task's state: record it as plain events.
        this.sent.taskFallbacks++
        await this.api.postEvents(creds, equivalent)
      }
    }
    const next = (this.chains.get(id) ?? Promise.resolve()).then(() => hh.act({ actions, send }))
    this.chains.set(id, next)
    this.track(next)
  }

  /** Posts actions with the associate's token, signing in first or again when it is missing or expired. */
  private async postActions (associate: string, creds: DeviceCredentials, actions: object[]): Promise<ActionAnswer[]> {
    for (let attempt = 0; ; attempt++) {
      let token = this.tokens.get(associate)
      if (token === undefined) {
        token = (await this.api.signIn(creds, badgeOf(associate), SIM_PIN)).token
        this.tokens.set(associate, token)
      }
      try {
        return await this.api.postActions(creds, token, actions)
      } catch (err) {
        if (attempt > 0 || !(err instanceof ApiError) || err.status !== 401) throw err
        this.tokens.delete(associate)
      }
    }
  }

  /** Task actions the server refused (conflicts, rejections), with its reasons. */
  taskRefusals (): Array<{ associate: string, taskId: number, code: string, message: string }> {
    return [...this.refusals]
  }

  ids (): string[] {
    return [...this.mqttDevices.keys(), ...[...this.handhelds.keys()].filter((id) => id !== BACKOFFICE)]
  }

  async setOnline (id: string, online: boolean): Promise<void> {
    const d = this.mqttDevices.get(id)
    if (d) { await d.setOnline(online); return }
    const hh = this.handhelds.get(id)
    if (!hh) return
    await this.handheldLinks.get(id)?.setOnline(online)
    // Coming back flushes the handheld's queue: keep it in that device's order.
    const next = (this.chains.get(id) ?? Promise.resolve()).then(() => hh.setOnline(online))
    this.chains.set(id, next)
    await next
  }

  isOnline (id: string): boolean {
    return this.mqttDevices.get(id)?.online ?? this.handhelds.get(id)?.online ?? false
  }

  async settle (): Promise<void> {
    while (this.pending.length > 0) await Promise.all(this.pending.splice(0))
    for (const d of this.mqttDevices.values()) await d.settle()
    this.check()
  }

  async close (): Promise<void> {
    await Promise.allSettled(this.pending.splice(0))
    for (const d of this.mqttDevices.values()) await d.close()
    for (const d of this.handheldLinks.values()) await d.close()
  }

  counts (): Record<string, number> {
    const out = { ...this.sent }
    for (const hh of this.handhelds.values()) {
      const s = hh.stats()
      out.handheldRejected = (out.handheldRejected ?? 0) + s.rejected
    }
    for (const d of this.mqttDevices.values()) {
      const s = d.stats()
      out.mqttReplayed = (out.mqttReplayed ?? 0) + s.replayed
      out.mqttDropped = (out.mqttDropped ?? 0) + s.dropped
    }
    return out
  }

  /** Every event the handhelds had refused, with the server's reason (a run should have none). */
  rejections (): Array<{ device: string, id: string | null, code: string, message: string }> {
    const out: Array<{ device: string, id: string | null, code: string, message: string }> = []
    for (const [device, hh] of this.handhelds) for (const r of hh.stats().rejections) out.push({ device, ...r })
    return out
  }

  private track (p: Promise<unknown>): void {
    this.pending.push(p.catch((err: Error) => { this.failure ??= err }))
  }

  private check (): void {
    if (this.failure) throw this.failure
  }
}

/**
 * A handheld's battery, percent: charged overnight, draining ~5 points an hour of the shift from
 * 07:00 (each device a little lower than the one before, as they are not all new).
 */
export function handheldBattery (t: number, index: number): number {
  const hour = new Date(t).getUTCHours() + new Date(t).getUTCMinutes() / 60
  if (hour < 7) return 100
  return Math.max(5, Math.min(100, Math.round(100 - (hour - 7) * 5 - (index % 8) * 3)))
}
