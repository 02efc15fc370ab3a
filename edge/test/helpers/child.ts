// Runs the store server as a separate process through the real command line (`store-edge serve`),
// so tests can SIGKILL or SIGTERM it like systemd or a power cut would.

import { spawn, type ChildProcess } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')

export interface ChildServer {
  proc: ChildProcess
  ports: { http: number, mqtt: number }
  /** Every stdout line so far (pino JSON). */
  lines: string[]
  exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>
}

export function cliArgs (): string[] {
  return ['--import', 'tsx', join(ROOT, 'edge', 'src', 'cli', 'run.ts')]
}

export function startChild (env: Record<string, string>, timeoutMs = 20000): Promise<ChildServer> {
  const proc = spawn(process.execPath, [...cliArgs(), 'serve'], {
    cwd: ROOT,
    env: { ...process.env, EDGE_HOST: '127.0.0.1', EDGE_HTTP_PORT: '0', EDGE_MQTT_PORT: '0', EDGE_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const lines: string[] = []
  let stderr = ''
  const exited = new Promise<{ code: number | null, signal: NodeJS.Signals | null }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error(`server did not start in ${timeoutMs} ms: ${stderr}`)) }, timeoutMs)
    let buf = ''
    proc.stdout!.on('data', (chunk: Buffer) => {
      buf += chunk.toString()
      let nl
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl)
        buf = buf.slice(nl + 1)
        lines.push(line)
        if (line.includes('"store-edge listening"')) {
          clearTimeout(timer)
          resolve({ proc, ports: JSON.parse(line).ports, lines, exited })
        }
      }
    })
    proc.stderr!.on('data', (c: Buffer) => { stderr += c.toString() })
    void exited.then(({ code }) => { clearTimeout(timer); reject(new Error(`server exited (${code}) before listening: ${stderr}`)) })
  })
}
