// What the demo prints: where the panel is and how to sign in, the API and relay addresses for a
// look underneath, and then one line per simulated day. Lines a test reads start with a fixed label.
// Bound to every interface (--host 0.0.0.0), the panel's address on each LAN interface follows the
// local one, and a warning says the sign-in is open to the LAN.

import type { DemoOptions } from './args.js'
import { addDays } from '../engine/day-plan.js'
import type { Now } from '../policy/policy.js'
import { ALL_INTERFACES, isLoopback, type LanAddress } from './lan.js'
import { PACED_FROM, PACED_UNTIL } from './pace.js'

export interface BannerFacts {
  opts: DemoOptions
  startDate: string
  /** Days run flat out before the clock is paced. */
  warmUpDays: number
  items: number
  /** The panel as this machine reaches it (http://127.0.0.1:8080/ when bound to every interface). */
  panelUrl: string
  /** This machine's LAN addresses (lanAddresses()); listed when bound to every interface. */
  lan: LanAddress[]
  username: string
  password: string
  storeAdminToken: string
  mqttPort: number
  relayUrl: string
  relayAdminToken: string
  dataDir: string
  removedOnExit: boolean
}

const hhmm = (min: number): string => `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`

export function banner (f: BannerFacts): string {
  const o = f.opts
  const local = new URL(f.panelUrl)
  const everywhere = o.host === ALL_INTERFACES
  const hosts = [local.hostname, ...(everywhere ? f.lan.map((a) => a.address) : [])]
  const panel = everywhere ? panelEverywhere(f.panelUrl, local.port || '80', f.lan) : [`  Panel     ${f.panelUrl}`]
  // Anything but loopback is open to whoever is on the LAN: the sign-in is a demo's.
  const warning = isLoopback(o.host) ? [] : [`  Warning   --host ${o.host}: the demo's sign-in, its API and MQTT are reachable from the LAN`]
  return [
    '',
    `store-edge demo: store ${o.store} selling real M5 demand, ${f.items} items, ${o.days} day${o.days === 1 ? '' : 's'} from ${f.startDate}`,
    `  the store's clock runs ${o.speed}x while it is open, ${hhmm(PACED_FROM)}-${hhmm(PACED_UNTIL)} (${paceWords(o.speed)}),`,
    `  and flat out while it is closed${f.warmUpDays > 0 ? ` and through the first ${f.warmUpDays === 1 ? 'day' : `${f.warmUpDays} days`} (history for the panel)` : ''}`,
    '',
    ...panel,
    `  Sign in   ${f.username} / ${f.password}`,
    `  API       ${f.panelUrl}docs   admin token ${f.storeAdminToken}`,
    `  Relay     ${f.relayUrl}/v1/fleet   admin token ${f.relayAdminToken}`,
    `  MQTT      ${hosts.map((h) => `${h}:${f.mqttPort}`).join(', ')}`,
    `  Data      ${f.dataDir}${f.removedOnExit ? ' (removed on exit; --keep keeps it)' : ' (kept)'}`,
    ...warning,
    '',
    'Ctrl-C stops everything.',
    ''
  ].join('\n')
}

/** The panel on this machine, then on each LAN interface, URLs in a column. */
function panelEverywhere (panelUrl: string, port: string, lan: LanAddress[]): string[] {
  const urls = [panelUrl, ...lan.map((a) => `http://${a.address}:${port}/`)]
  const width = Math.max(...urls.map((u) => u.length)) + 3
  return [
    `  Panel     ${panelUrl.padEnd(width)}this machine`,
    ...lan.map((a, i) => `            ${urls[i + 1].padEnd(width)}LAN (${a.iface})`),
    ...(lan.length === 0 ? ['            (no LAN address: only loopback has IPv4 here)'] : [])
  ]
}

function paceWords (speed: number): string {
  if (speed === 60) return 'a simulated minute a second'
  if (speed < 60) return `a simulated minute every ${(60 / speed).toFixed(1)} s`
  return `${(speed / 60).toFixed(speed % 60 === 0 ? 0 : 1)} simulated minutes a second`
}

export function startingLine (step: 'relay' | 'store', o: DemoOptions): string {
  return step === 'relay'
    ? 'Starting the cloud relay and registering the store ...\n'
    : `Starting the store server: ${o.skus} items of ${o.store}, a year of their sales history, the store's devices ...\n`
}

export function dayLine (day: number, days: number, date: string, wallMs: number): string {
  return `day ${day}/${days} (${date}) simulated, ${(wallMs / 60_000).toFixed(1)} min since the start`
}

export function pacedLine (now: Now, startDate: string, speed: number): string {
  return `Day ${now.day + 1} (${addDays(startDate, now.day)}) ${hhmm(now.minute)}: the store is open; its clock runs ${speed}x from here.`
}

export const HOLDING = 'All simulated days are done; the store server keeps serving the panel until Ctrl-C.'
export const STOPPING = 'Stopping: the simulated store, the store server, the relay ...'
