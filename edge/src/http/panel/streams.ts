// The open event streams (GET /api/v1/stream), each bound to the panel session that opened it, so
// a stream ends when its session does. A session is checked when the stream opens; after that:
//   - sign-out (DELETE /api/v1/session) ends that session's streams at once;
//   - an account removed, disabled, given another role or a new password over the API: its sessions
//     are deleted (store/accounts.ts) and a check of its streams right after the change ends them;
//   - the same from the shell (`store-edge accounts remove`, another process on the database), an
//     idle or max-age expiry: the periodic check, every checkMs, ends them.
// The check resolves each session like a request does (store/sessions.ts): one lookup per session
// per check, never per event. Streams opened with the admin token or on an open LAN (apiAuth 'open')
// belong to no session and end only when the client goes or the server stops.
//
// An open stream counts as activity: the check refreshes the session's idle time as a request
// would. A panel left open on a wall display is watching the store (it refetches only when
// something changes, so on a quiet night it would make no request for an hour) and must not be
// signed out for idling; a forgotten or stolen session still ends sessionMaxHours after sign-in,
// whatever keeps it busy.

import type { Log } from '../../core/log.js'
import type { Sessions } from '../../store/sessions.js'

/**
 * Why a stream ended, sent to the client as its last event (`event: ended`): its session signed
 * out; its account was removed or changed over the API; its session ended otherwise (expiry, a
 * change from the shell); the server stops.
 */
export type StreamEnd = 'signed_out' | 'account_changed' | 'session_ended' | 'shutdown'

/** The session a stream depends on. */
export interface StreamSession { token: string, username: string }

/** Ends one stream: writes the reason when given, then closes the response. */
export type EndStream = (reason: StreamEnd | null) => void

/** Real milliseconds between session checks of the open streams (30 s: a signed-out panel's stream lives at most that long when the change came from outside this process). */
export const STREAM_CHECK_MS = 30_000

export interface OpenStreamsOptions {
  sessions: Pick<Sessions, 'resolve'>
  log: Log
  /** Real milliseconds between checks (STREAM_CHECK_MS; tests shorten it). */
  checkMs?: number
}

export class OpenStreams {
  /** Each stream's end, with the session it depends on (null: admin token or open LAN). */
  private readonly open = new Map<EndStream, StreamSession | null>()
  private timer: NodeJS.Timeout | null = null

  constructor (private readonly o: OpenStreamsOptions) {}

  start (): void {
    this.timer ??= setInterval(() => { this.check() }, this.o.checkMs ?? STREAM_CHECK_MS)
    this.timer.unref()
  }

  stop (): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  add (end: EndStream, session: StreamSession | null): void {
    this.open.set(end, session)
  }

  /** Forgets a stream that ended (its client went); true when it was open. */
  delete (end: EndStream): boolean {
    return this.open.delete(end)
  }

  /** Ends the streams of one session now (sign-out). */
  endSession (token: string, reason: StreamEnd): number {
    let n = 0
    for (const [end, s] of [...this.open]) {
      if (s?.token === token) { end(reason); n++ }
    }
    return n
  }

  /** Ends every stream (shutdown). */
  endAll (reason: StreamEnd): void {
    for (const end of [...this.open.keys()]) end(reason)
  }

  /** After a change to an account: ends its streams whose session the change ended (which changes do is store/accounts.ts's rule). */
  accountChanged (username: string): number {
    return this.check((s) => s.username === username, 'account_changed')
  }

  /** Ends the streams (of the sessions `which` picks) whose session no longer resolves; returns how many. */
  check (which: (s: StreamSession) => boolean = () => true, reason: StreamEnd = 'session_ended'): number {
    const alive = new Map<string, boolean>()
    let ended = 0
    for (const [end, s] of [...this.open]) {
      if (s === null || !which(s)) continue
      let ok = alive.get(s.token)
      if (ok === undefined) {
        try {
          ok = this.o.sessions.resolve(s.token) !== null
        } catch (err) {
          // A database hiccup is no proof the session ended: keep the stream, look again next time.
          this.o.log.warn({ err }, 'stream session check failed')
          ok = true
        }
        alive.set(s.token, ok)
      }
      if (!ok) { end(reason); ended++ }
    }
    if (ended > 0) this.o.log.info({ streams: ended }, 'event streams of ended sessions closed')
    return ended
  }
}
