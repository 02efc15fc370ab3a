// Wait for a condition instead of sleeping a guessed time: polls every few milliseconds.

const POLL_MS = 5 // milliseconds between checks

export async function waitFor (cond: () => boolean, timeoutMs = 5_000, what = 'the condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await delay(POLL_MS)
  }
}

/** A deliberate pause, for tests whose subject is time passing (a code trickling in). */
export function delay (ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
