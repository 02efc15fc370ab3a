// The whole machine's CPU over a window (/proc/stat), so a run disturbed by other work on a shared
// machine says so: busy cores minus the processes the bench measures is what everything else used.

import { readFileSync } from 'node:fs'

/** Busy and total jiffies of all CPUs since boot (the "cpu" line of /proc/stat). */
function jiffies (): { busy: number, total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number)
  // user nice system idle iowait irq softirq steal ...
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0)
  const idle = f[3] + f[4]
  return { busy: total - idle, total }
}

export class MachineWindow {
  private readonly t0 = performance.now()
  private readonly j0 = jiffies()

  /** Cores busy on average over the window (all processes). */
  busyCores (): number {
    const j = jiffies()
    const s = (performance.now() - this.t0) / 1000
    // Jiffies are 1/100 s (USER_HZ).
    return (j.busy - this.j0.busy) / 100 / s
  }
}
