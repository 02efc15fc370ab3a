// The store's devices as the engine sees them: a clock to move, a POS that rings up baskets, a
// shelf camera per zone, and a handheld per associate. With a server behind them they publish over
// MQTT and post over HTTP; without one (a traditional run on its own, or a unit test) they only
// count what they would have sent.

import type { BackOfficePort, HandheldPort } from '../policy/ports.js'

export interface BasketLine { sku: string, qty: number, price: number }

export interface StoreDevices extends HandheldPort, BackOfficePort {
  /** Moves the store's clock to `t` (epoch ms) and lets every online device show it is alive. */
  clock (t: number): Promise<void>
  /** A finished POS transaction. */
  basket (t: number, lane: string, txnId: string, lines: BasketLine[]): void
  /** A camera reports an empty facing. */
  gap (t: number, zone: string, detId: string, bay: string, sku: string): void
  /** Every device id the store runs (for outages). */
  ids (): string[]
  setOnline (id: string, online: boolean): Promise<void>
  isOnline (id: string): boolean
  /** Resolves when everything sent so far has been committed by the server. */
  settle (): Promise<void>
  close (): Promise<void>
  /** Messages sent, by kind. */
  counts (): Record<string, number>
}

export const POS_LANES = ['01', '02']
export const cameraId = (zone: string): string => `cam-${zone.toLowerCase().replace(/_/g, '-')}`
export const posId = (lane: string): string => `pos-${lane}`
export const handheldId = (associate: string): string => `hh-${associate}`
/** The back office posts advance-ship-notice receipts. */
export const BACKOFFICE = 'backoffice'

/** Devices with no server: the run measures the store only. */
export class NoDevices implements StoreDevices {
  private readonly sent: Record<string, number> = { baskets: 0, gaps: 0, handheldEvents: 0 }
  private readonly offline = new Set<string>()

  constructor (private readonly all: string[]) {}

  async clock (): Promise<void> {}
  basket (): void { this.sent.baskets++ }
  gap (): void { this.sent.gaps++ }
  post (_associate: string, events: object[]): void { this.sent.handheldEvents += events.length }
  asn (): void { this.sent.asns = (this.sent.asns ?? 0) + 1 }
  act (_associate: string, actions: object[]): void { this.sent.taskActions = (this.sent.taskActions ?? 0) + actions.length }
  ids (): string[] { return this.all }
  async setOnline (id: string, online: boolean): Promise<void> {
    if (online) this.offline.delete(id)
    else this.offline.add(id)
  }

  isOnline (id: string): boolean { return !this.offline.has(id) }
  async settle (): Promise<void> {}
  async close (): Promise<void> {}
  counts (): Record<string, number> { return { ...this.sent } }
}
