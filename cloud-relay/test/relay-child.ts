// Runs the relay as a separate process through its real command line (`cloud-relay serve`), so a
// test can kill -9 it mid-batch like a crash would.

import { spawn, type ChildProcess } from 'node:child_process'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

export interface RelayChild {
  proc: ChildProcess
  port: number
  exited: Promise<unknown>
  /** Its log so far (stdout lines, then stderr), for a failing test's message. */
  output (): string
}

export function startRelayChild (env: Record<string, string>, timeoutMs = 20_000): Promise<RelayChild> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'cloud-relay', 'src', 'cli.ts'), 'serve'], {
    cwd: ROOT,
    env: { ...process.env, RELAY_HOST: '127.0.0.1', RELAY_HTTP_PORT: '0', RELAY_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const exited = new Promise((resolve) => proc.once('exit', resolve))
  let stderr = ''
  const lines: string[] = []
  proc.stderr!.on('data', (c: Buffer) => { stderr += c.toString() })
  const output = (): string => `${lines.join('\n')}\n${stderr}`
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error(`relay did not start in ${timeoutMs} ms: ${stderr}`)) }, timeoutMs)
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      lines.push(line)
      if (line.includes('cloud relay listening')) {
        clearTimeout(timer)
        resolve({ proc, port: (JSON.parse(line) as { port: number }).port, exited, output })
      }
    })
    proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`relay exited (${String(code)}) before listening: ${stderr}`)) })
  })
}
