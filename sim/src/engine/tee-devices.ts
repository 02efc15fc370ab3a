// The store's devices on a real server, with everything they send also applied to an in-process
// LocalStore: how a server run exports the server's own features for training without asking the
// server for 5,000 vectors every simulated hour.

import type { BasketLine, StoreDevices } from './devices.js'
import type { LocalStore } from './local-store.js'
import { ServerDevices } from './server-devices.js'

export class TeeDevices implements StoreDevices {
  constructor (private readonly inner: StoreDevices, private readonly shadow: LocalStore) {}

  clock (t: number): Promise<void> { return this.inner.clock(t) }

  basket (t: number, lane: string, txnId: string, lines: BasketLine[]): void {
    this.inner.basket(t, lane, txnId, lines)
    this.shadow.basket(t, lane, txnId, lines)
  }

  gap (t: number, zone: string, detId: string, bay: string, sku: string): void {
    this.inner.gap(t, zone, detId, bay, sku)
    this.shadow.gap(t, zone, detId, bay, sku)
  }

  post (associate: string, events: object[]): void {
    this.inner.post(associate, events)
    this.shadow.post(associate, events)
  }

  act (associate: string, actions: object[], equivalent: object[]): void {
    this.inner.act(associate, actions, equivalent)
    this.shadow.post(associate, equivalent)
  }

  asn (asn: Parameters<StoreDevices['asn']>[0]): void { this.inner.asn(asn) }

  ids (): string[] { return this.inner.ids() }

  async setOnline (id: string, online: boolean): Promise<void> {
    await this.inner.setOnline(id, online)
    await this.shadow.setOnline(id, online)
  }

  isOnline (id: string): boolean { return this.inner.isOnline(id) }
  settle (): Promise<void> { return this.inner.settle() }
  close (): Promise<void> { return this.inner.close() }
  counts (): Record<string, number> { return this.inner.counts() }

  /** The server side, when that is what the tee wraps. */
  server (): ServerDevices | null {
    return this.inner instanceof ServerDevices ? this.inner : null
  }

  rejections (): ReturnType<ServerDevices['rejections']> {
    return this.inner instanceof ServerDevices ? this.inner.rejections() : []
  }
}
