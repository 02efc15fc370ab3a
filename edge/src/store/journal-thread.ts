// The main thread's handle on the journal writer thread (journal-worker.ts): write a batch, get
// its outcomes once committed. One batch is in flight at a time; the commit queue gathers the
// next while this one commits, which is what makes commits large under load.

import { EdgeError, Errors } from '../core/errors.js'
import { eventRow, type BatchEntry, type EntryOutcome } from './journal.js'
import type { WriterData, WriterReply, WriterRequest } from './journal-worker.js'
import { spawnStoreThread } from './threads.js'

export interface JournalWriter {
  /** Commits the batch in one transaction; rejects (and nothing is committed) if the database fails. */
  write (entries: BatchEntry[]): Promise<{ outcomes: EntryOutcome[], commitMs: number }>
  close (): Promise<void>
  /** Why the writer thread stopped working, or null while it is healthy. */
  failure (): Error | null
}

export function startJournalThread (data: WriterData): Promise<JournalWriter> {
  // Each batch is garbage once committed; a young generation of 8 MB collects it often and cheaply
  // instead of letting the thread's heap grow to V8's default (megabytes).
  const worker = spawnStoreThread('journal-worker', data, { maxYoungGenerationSizeMb: 8 })
  const pending = new Map<number, { resolve: (r: { outcomes: EntryOutcome[], commitMs: number }) => void, reject: (e: Error) => void }>()
  let nextId = 1
  let closed: (() => void) | null = null
  let failure: Error | null = null

  let ready: (() => void) | null = null
  worker.on('message', (reply: WriterReply) => {
    if (reply.kind === 'ready') { ready?.(); return }
    if (reply.kind === 'closed') { closed?.(); return }
    const p = pending.get(reply.id)
    if (!p) return
    pending.delete(reply.id)
    if (reply.kind === 'written') p.resolve({ outcomes: reply.outcomes, commitMs: reply.commitMs })
    else p.reject(new EdgeError(Errors.INTERNAL, `journal commit failed: ${reply.message}`))
  })
  const fail = (err: Error): void => {
    failure = err
    for (const p of pending.values()) p.reject(err)
    pending.clear()
    closed?.()
  }
  worker.on('error', fail)
  worker.on('exit', (code) => { if (code !== 0) fail(new EdgeError(Errors.INTERNAL, `journal thread exited with code ${code}`)) })

  const writer: JournalWriter = {
    write (entries) {
      if (failure) return Promise.reject(failure)
      const id = nextId++
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject })
        const flat = entries.map((e): BatchEntry => e.kind === 'event' ? { kind: 'row', row: eventRow(e.event) } : e)
        worker.postMessage({ kind: 'write', id, entries: flat } satisfies WriterRequest)
      })
    },
    failure: () => failure,
    async close () {
      if (failure) { await worker.terminate(); return }
      await new Promise<void>((resolve) => {
        closed = resolve
        worker.postMessage({ kind: 'close' } satisfies WriterRequest)
      })
      await worker.terminate()
    }
  }
  // The thread opens the database before it takes work; a failure to open is a start-up error.
  return new Promise((resolve, reject) => {
    ready = () => resolve(writer)
    worker.once('error', reject)
  })
}
