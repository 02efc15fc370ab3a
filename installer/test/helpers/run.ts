// Running the installer's scripts into a temporary root, and looking at what they left there.

import { execFile, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Test } from 'tap'
import { ROOT } from './bundle.js'

export const INSTALLER = join(ROOT, 'installer')

export interface Run { code: number | null, stdout: string, stderr: string }

/** Runs a script of installer/ with bash; `env` adds to (or, with undefined values, removes from) the environment. */
export function runScript (script: string, args: string[], env: Record<string, string | undefined> = {}, timeoutMs = 120_000): Promise<Run> {
  const full: Record<string, string | undefined> = { ...process.env, ...env }
  for (const [k, v] of Object.entries(full)) if (v === undefined) delete full[k]
  return new Promise((resolve) => {
    execFile('bash', [join(INSTALLER, script), ...args], { env: full as NodeJS.ProcessEnv, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr })
    })
  })
}

/** A fresh temporary root, removed after the test. */
export function tempRoot (t: Test, name = 'root'): string {
  const dir = mkdtempSync(join(tmpdir(), `store-edge-${name}-`))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

export interface Entry { type: 'dir' | 'file' | 'link', mode: string, mtimeMs: number, size: number, sha256?: string, target?: string }

/**
 * Every path under `dir` with its type, mode, mtime and size (and the digest of small files, the
 * target of links); folders named in `opaque` are recorded but not walked (a release's 7,000 files).
 */
export function snapshot (dir: string, opaque: string[] = []): Map<string, Entry> {
  const out = new Map<string, Entry>()
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const r = rel === '' ? name : `${rel}/${name}`
      const st = lstatSync(join(dir, r))
      const mode = (st.mode & 0o7777).toString(8).padStart(4, '0')
      if (st.isSymbolicLink()) out.set(r, { type: 'link', mode, mtimeMs: st.mtimeMs, size: st.size, target: readlinkSync(join(dir, r)) })
      else if (st.isDirectory()) {
        out.set(r, { type: 'dir', mode, mtimeMs: st.mtimeMs, size: 0 })
        if (!opaque.includes(r)) walk(r)
      } else {
        const entry: Entry = { type: 'file', mode, mtimeMs: st.mtimeMs, size: st.size }
        if (st.size < 1024 * 1024) entry.sha256 = createHash('sha256').update(readFileSync(join(dir, r))).digest('hex')
        out.set(r, entry)
      }
    }
  }
  walk('')
  return out
}

/**
 * `systemd-analyze verify` of unit files installed under `root`, the way that works without systemd
 * as PID 1: --root with the distribution's own units copied in (the targets ours name), so the
 * programs a unit starts are looked for inside the root. Every line it prints is a finding (an
 * unknown key or a bad value is only a warning to it, with status 0), as is a non-zero status.
 */
export function verifyUnits (root: string, units: string[]): { ok: boolean, output: string } {
  const system = join(root, 'usr', 'lib', 'systemd', 'system')
  mkdirSync(system, { recursive: true })
  if (readdirSync(system).length === 0) cpSync('/usr/lib/systemd/system', system, { recursive: true, verbatimSymlinks: true })
  const res = spawnSync('systemd-analyze', ['verify', `--root=${root}`, '--man=no', ...units.map((u) => `/etc/systemd/system/${u}`)], { encoding: 'utf8' })
  const output = `${res.stdout}${res.stderr}`.trim()
  return { ok: res.status === 0 && output === '', output: `status ${String(res.status)}${output === '' ? '' : `:\n${output}`}` }
}

/** True when `cmd` is on the PATH. */
export function have (cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0
}

/** A port nobody listens on (the kernel's pick, released at once). */
export function freePort (): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolve(port))
    })
  })
}

/**
 * systemctl for a box without systemd (this container): `start UNIT` runs the shell command given
 * for that unit in the background (a unit not listed, such as a timer, only counts as started),
 * `stop` sends SIGTERM and waits for the exit as systemd does, `is-active` asks whether it runs.
 * Every call is appended to `<dir>/calls`; the server's output goes to `<dir>/<unit>.log`.
 * Returns the program's path, for STORE_EDGE_SYSTEMCTL; the test's teardown kills what still runs.
 */
export function standInSystemctl (t: Test, dir: string, commands: Record<string, string>): string {
  const cases = Object.entries(commands).map(([unit, cmd]) => `    ${unit}) ${cmd} >> "${dir}/$unit.log" 2>&1 & echo $! > "$pidf" ;;`).join('\n')
  const path = join(dir, 'systemctl')
  writeFileSync(path, `#!/bin/sh
echo "$*" >> "${dir}/calls"
unit=$2
pidf="${dir}/$unit.pid"
case $1 in
  start|restart)
    [ "$1" = restart ] && "$0" stop "$unit"
    case $unit in
${cases}
      *) : > "$pidf.up" ;;
    esac ;;
  stop)
    rm -f "$pidf.up"
    if [ -f "$pidf" ]; then
      pid=$(cat "$pidf"); kill "$pid" 2>/dev/null
      while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
      rm -f "$pidf"
    fi ;;
  is-active) { [ -f "$pidf" ] && kill -0 "$(cat "$pidf")" 2>/dev/null; } || [ -f "$pidf.up" ]; exit $? ;;
esac
exit 0
`, { mode: 0o755 })
  t.teardown(() => {
    for (const f of readdirSync(dir).filter((f) => f.endsWith('.pid'))) {
      try { process.kill(Number(readFileSync(join(dir, f), 'utf8')), 'SIGKILL') } catch {}
    }
  })
  return path
}

/** The calls a stand-in systemctl got, one per line. */
export function systemctlCalls (dir: string): string[] {
  return readFileSync(join(dir, 'calls'), 'utf8').trim().split('\n')
}
