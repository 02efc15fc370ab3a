// Drives a server started with clockMode "sim" in step with real time: from begin(), every
// periodMs, PUT /api/v1/clock to startMs + the real time elapsed. The scheduled work that falls due
// on the way (the slow tier on riskSlowCron, presence sweeps) runs inside that request, as when the
// store simulator moves the clock; a tick is skipped while the previous request runs, so a long job
// holds the clock where it started (at most for the job's length) and the next tick catches up.
//
// Why not the system clock: the model's hour feature is trained on store hours, so on the system
// clock the figures would depend on the time of day the bench runs (at night the model refuses every
// vector and rules score). A fixed simulated day makes every run the same.

export interface ClockJob {
  /** The simulated time the request moved the clock to, ISO. */
  to: string
  /** Jobs the server ran on the way. */
  ran: number
  /** performance.now() when the request was sent, and its duration, ms. */
  at: number
  ms: number
}

export class SimClockDriver {
  private realStart = NaN
  private timer: NodeJS.Timeout | null = null
  private inFlight: Promise<void> | null = null
  /** Requests that ran a job (the slow tier's crossing of a minute among them). */
  readonly jobs: ClockJob[] = []
  ticks = 0
  skipped = 0
  error: Error | null = null

  constructor (private readonly baseUrl: string, readonly startMs: number) {}

  /** The simulated time now, as this driver moves it (startMs until begin()). */
  now (): number {
    return Number.isNaN(this.realStart) ? this.startMs : this.startMs + (performance.now() - this.realStart)
  }

  /** Simulated epoch ms of a performance.now() reading. */
  simAt (perfMs: number): number {
    return this.startMs + (perfMs - this.realStart)
  }

  begin (periodMs = 100): void {
    this.realStart = performance.now()
    this.timer = setInterval(() => {
      if (this.inFlight !== null) { this.skipped++; return }
      this.inFlight = this.tick().finally(() => { this.inFlight = null })
    }, periodMs)
  }

  private async tick (): Promise<void> {
    const to = new Date(Math.floor(this.now())).toISOString()
    const at = performance.now()
    try {
      const res = await fetch(`${this.baseUrl}/api/v1/clock`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ now: to }) })
      const body = await res.json() as { ran?: number, error?: { code: string, message: string } }
      if (!res.ok) throw new Error(`PUT /api/v1/clock ${res.status}: ${body.error?.code ?? ''} ${body.error?.message ?? ''}`)
      this.ticks++
      if ((body.ran ?? 0) > 0) this.jobs.push({ to, ran: body.ran!, at, ms: performance.now() - at })
    } catch (err) {
      this.error ??= err as Error
    }
  }

  /** Stops ticking; waits for a request in flight. */
  async stop (): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    await this.inFlight
  }
}
