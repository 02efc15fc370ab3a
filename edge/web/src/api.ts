// The store server's API from the panel: same origin, the session cookie, JSON. A 401 means the
// session ended: the app shows the sign-in again.

export class ApiError extends Error {
  constructor (readonly status: number, readonly code: string, message: string) { super(message) }
}

let onSignedOut: () => void = () => {}
export function whenSignedOut (fn: () => void): void { onSignedOut = fn }

async function call<T> (method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  const text = await res.text()
  const json = text === '' ? {} : JSON.parse(text) as { error?: { code: string, message: string } }
  if (!res.ok) {
    const e = new ApiError(res.status, json.error?.code ?? `HTTP_${res.status}`, json.error?.message ?? res.statusText)
    if (res.status === 401 && path !== '/api/v1/session') onSignedOut()
    throw e
  }
  return json as T
}

export const get = <T>(path: string): Promise<T> => call<T>('GET', path)
export const post = <T>(path: string, body: unknown = {}): Promise<T> => call<T>('POST', path, body)
export const del = <T>(path: string): Promise<T> => call<T>('DELETE', path)

/** GET that answers null on 404 (a section whose data does not exist on this server yet). */
export async function getOptional<T> (path: string): Promise<T | null> {
  try { return await get<T>(path) } catch (e) { if (e instanceof ApiError && e.status === 404) return null; throw e }
}
