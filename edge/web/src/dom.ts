// A small DOM builder: h('tag.class', {attrs}, ...children). Text is always set as text (never as
// HTML), so data from the server cannot inject markup.

export type Child = Node | string | number | null | undefined | false | Child[]
type Attrs = Record<string, string | number | boolean | null | undefined | ((e: Event) => void)>

export function h (spec: string, attrs: Attrs = {}, ...children: Child[]): HTMLElement {
  const [tag, ...classes] = spec.split('.')
  const el = document.createElement(tag === '' ? 'div' : tag)
  if (classes.length > 0) el.className = classes.join(' ')
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v)
    else if (v === true) el.setAttribute(k, '')
    else el.setAttribute(k, String(v))
  }
  append(el, children)
  return el
}

export function append (el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue
    if (Array.isArray(c)) append(el, c)
    else el.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c)
  }
}

export function replace (el: Element, ...children: Child[]): void {
  el.replaceChildren()
  append(el, children)
}

// The server's clock may be simulated (a demo at 60x, a replay): ages are told on its time, not
// the browser's. main.ts reads /api/v1/clock before each refresh.
let offsetMs = 0
export function setServerNow (iso: string): void { offsetMs = Date.parse(iso) - Date.now() }
export const serverNow = (): number => Date.now() + offsetMs

function span (s: number): string {
  if (s < 60) return `${s} s`
  if (s < 3600) return `${Math.round(s / 60)} min`
  if (s < 86_400) return `${Math.round(s / 3600)} h`
  return `${Math.round(s / 86_400)} d`
}

/** "5 min", "3 h", "2 d" since an ISO time, on the server's clock. */
export function age (iso: string | null | undefined, now = serverNow()): string {
  if (!iso) return '–'
  return span(Math.max(0, Math.round((now - Date.parse(iso)) / 1000)))
}

/** How long until an ISO time, on the server's clock ("now" when past). */
export function until (iso: string): string {
  const s = Math.round((Date.parse(iso) - serverNow()) / 1000)
  return s <= 0 ? 'now' : span(s)
}

export function seconds (s: number | null | undefined): string {
  if (s === null || s === undefined) return '–'
  return span(Math.max(0, Math.round(s)))
}

export const pct = (x: number | null | undefined, digits = 0): string => x === null || x === undefined || !Number.isFinite(x) ? '–' : `${(x * 100).toFixed(digits)}%`
export const num = (x: number | null | undefined): string => x === null || x === undefined ? '–' : x.toLocaleString('en-US')
export const when = (iso: string | null | undefined): string => iso ? new Date(iso).toLocaleString('en-GB', { dateStyle: 'short', timeStyle: 'short' }) : '–'

export function badge (text: string, tone: 'ok' | 'warn' | 'bad' | 'info' | 'mute' = 'info'): HTMLElement {
  return h(`span.badge.${tone}`, {}, text)
}

/** A risk score as a bar and a number; tone by level. */
export function scoreBar (score: number): HTMLElement {
  const tone = score >= 0.7 ? 'bad' : score >= 0.3 ? 'warn' : 'ok'
  return h('span.score', { title: `probability of an empty shelf: ${pct(score, 1)}` },
    h(`span.bar.${tone}`, { style: `width:${Math.round(score * 100)}%` }), h('span.val', {}, pct(score)))
}
