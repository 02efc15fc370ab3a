// The `npm run demo` command line: which M5 store, how fast, how many days, where the panel
// listens (address and port) and where the data goes. Every mistake is named with the option and what it accepts.

import { isIPv4 } from 'node:net'
import { UsageError } from '../cli/args.js'

export { UsageError }

export interface DemoOptions {
  /** The panel's HTTP port (the store server's); 0 = any free port. */
  port: number
  /** The IPv4 address the store server's HTTP (panel, API) and MQTT listen on; 0.0.0.0 = every interface. */
  host: string
  /** Simulated seconds per real second while the store is open (the rest of the day runs flat out). */
  speed: number
  /** M5 store whose real demand the simulated store sells. */
  store: string
  days: number
  /** SKUs in the assortment (the store's 28 real M5 items first). */
  skus: number
  /** Keep the data dir after Ctrl-C (a temp dir is removed otherwise). */
  keep: boolean
  /** Where the relay's and the store's SQLite go; null = a new temp dir. */
  data: string | null
  help: boolean
}

export const DEMO_USAGE = `Usage: npm run demo -- [options]

Starts the cloud relay, a store server and a simulated store selling real M5 demand at
accelerated time, and prints the panel's address and a manager sign-in. Ctrl-C stops it all.

  --port N      the panel's HTTP port (0 = any free port)                 [8080]
  --host ADDR   where the panel, the API and MQTT listen: 127.0.0.1 =
                this machine only, 0.0.0.0 = every interface (a tablet
                on the store's LAN; anyone on it then reaches the
                sign-in), or one of this machine's IPv4 addresses    [127.0.0.1]
  --speed N     simulated seconds per real second while the store is
                open, 07:00-22:00; the night runs as fast as it can     [300]
  --store ID    M5 store (CA_1 ... WI_3)                                  [CA_1]
  --days N      simulated days; the server keeps serving after them      [28]
  --skus N      items in the assortment: the store's 28 real M5 items,
                then resampled ones                                      [500]
  --data DIR    keep the relay's and the store's data here (a new or
                empty dir; kept on exit)                  [a temp dir, removed on exit]
  --keep        keep the temp data dir on exit
  --help        this text
`

function int (flag: string, v: string | undefined, min: number, max: number): number {
  if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`)
  const n = Number(v)
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} ${v}: a whole number ${min}-${max}`)
  return n
}

export function parseDemoArgs (argv: readonly string[]): DemoOptions {
  const o: DemoOptions = { port: 8080, host: '127.0.0.1', speed: 300, store: 'CA_1', days: 28, skus: 500, keep: false, data: null, help: false }
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]
    const next = (): string | undefined => argv[++i]
    switch (flag) {
      case '--port': o.port = int(flag, next(), 0, 65535); break
      case '--host': {
        const v = next()
        if (v === undefined || v.startsWith('--')) throw new UsageError('--host needs an address (127.0.0.1, 0.0.0.0 or one of this machine\'s)')
        if (!isIPv4(v)) throw new UsageError(`--host ${v}: an IPv4 address: 127.0.0.1 (this machine only), 0.0.0.0 (every interface) or one of this machine's`)
        o.host = v
        break
      }
      case '--speed': o.speed = int(flag, next(), 1, 1_000_000); break
      case '--store': {
        const v = next()
        if (v === undefined || !/^[A-Z]{2}_\d$/.test(v)) throw new UsageError(`--store ${v ?? ''}: an M5 store such as CA_1`)
        o.store = v
        break
      }
      case '--days': o.days = int(flag, next(), 1, 365); break
      case '--skus': o.skus = int(flag, next(), 1, 5000); break
      case '--data': {
        const v = next()
        if (v === undefined || v.startsWith('--')) throw new UsageError('--data needs a directory')
        o.data = v
        break
      }
      case '--keep': o.keep = true; break
      case '--help': case '-h': o.help = true; break
      default: throw new UsageError(`unknown option ${flag} (see --help)`)
    }
  }
  return o
}
