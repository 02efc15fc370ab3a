// A real pseudo-terminal pair from socat: the reader opens <dir>/dev as if it were a scanner's
// port, the test writes to <dir>/host as the scanner. Killing socat makes <dir>/dev vanish like an
// unplugged USB adapter; starting it again on the same dir brings the port back.

import { spawn } from 'node:child_process'
import { closeSync, constants, existsSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { waitFor } from '../helpers/wait-for.js'

const SOCAT = '/usr/bin/socat'
const START_TIMEOUT_MS = 5_000 // milliseconds for socat to create both links

/** What the helpers need from a tap test. */
interface Teardown { teardown (fn: () => unknown): void }

export interface PtyPair {
  /** The port the reader opens. */
  devPath: string
  /** The scanner's end. */
  hostPath: string
  /** Send bytes as the scanner would. */
  write (data: string | Uint8Array): void
  /** Stop socat and remove its links: the port disappears. Safe to call twice. */
  kill (): Promise<void>
}

/** A fresh directory for the links, removed when the test ends. */
export function ptyDir (t: Teardown): string {
  const dir = mkdtempSync(join(tmpdir(), 'store-edge-serial-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

export async function startPty (t: Teardown, dir: string): Promise<PtyPair> {
  const devPath = join(dir, 'dev')
  const hostPath = join(dir, 'host')
  const child = spawn(SOCAT, ['-d', '-d', `pty,raw,echo=0,link=${devPath}`, `pty,raw,echo=0,link=${hostPath}`], {
    stdio: ['ignore', 'ignore', 'pipe']
  })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4_000) })
  let exited = false
  const exit = new Promise<void>((resolve) => child.once('exit', () => { exited = true; resolve() }))
  const killOnExit = (): void => { child.kill('SIGKILL') } // the test process crashed: no orphans
  process.once('exit', killOnExit)

  let hostFd: number | null = null
  const pair: PtyPair = {
    devPath,
    hostPath,
    write (data) {
      // One descriptor kept open: O_NOCTTY so the pty never becomes this process's terminal.
      hostFd ??= openSync(hostPath, constants.O_RDWR | constants.O_NOCTTY)
      const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data
      let written = 0
      while (written < bytes.length) written += writeSync(hostFd, bytes, written)
    },
    async kill () {
      if (hostFd !== null) closeSync(hostFd)
      hostFd = null
      // SIGTERM: socat removes its links, so no dangling link can point at a pty number another
      // process gets next; they are removed here as well in case it could not.
      if (!exited) child.kill('SIGTERM')
      await exit
      process.removeListener('exit', killOnExit)
      rmSync(devPath, { force: true })
      rmSync(hostPath, { force: true })
    }
  }
  t.teardown(() => pair.kill())

  try {
    await waitFor(() => exited || (existsSync(devPath) && existsSync(hostPath)), START_TIMEOUT_MS, 'socat links')
  } catch (err) {
    throw new Error(`${(err as Error).message}; socat said: ${stderr}`)
  }
  if (exited) throw new Error(`socat exited at start: ${stderr}`)
  return pair
}
