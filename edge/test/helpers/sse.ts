// A server-sent events client for tests, on a real socket (node:http): collects the events and
// comments a stream sends, so a test can wait for the one it expects.

import { request, type IncomingMessage } from 'node:http'

export interface SseEvent { id: string | null, event: string, data: string }

export interface SseStream {
  status: number
  headers: IncomingMessage['headers']
  events: SseEvent[]
  /** Comment lines (": heartbeat"), without the colon. */
  comments: string[]
  /** Resolves when the server ends the stream. */
  ended: Promise<void>
  /** True once it ended. */
  done: boolean
  close (): void
}

/** Opens `url` with the given headers; resolves once the response headers arrived. */
export function openStream (url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      const s: SseStream = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        events: [],
        comments: [],
        ended: new Promise((resolve) => { res.once('end', resolve); res.once('close', resolve) }),
        done: false,
        close: () => { req.destroy() }
      }
      void s.ended.then(() => { s.done = true })
      let buf = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        buf += chunk
        let cut: number
        // An event ends at a blank line (text/event-stream, WHATWG HTML 9.2.6).
        while ((cut = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, cut)
          buf = buf.slice(cut + 2)
          let id: string | null = null
          let event = 'message'
          const data: string[] = []
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) s.comments.push(line.slice(1).trim())
            else if (line.startsWith('id:')) id = line.slice(3).trim()
            else if (line.startsWith('event:')) event = line.slice(6).trim()
            else if (line.startsWith('data:')) data.push(line.slice(5).trimStart())
          }
          if (data.length > 0) s.events.push({ id, event, data: data.join('\n') })
        }
      })
      res.on('error', () => {})
      resolve(s)
    })
    req.once('error', reject)
    req.end()
  })
}
