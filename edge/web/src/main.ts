// The panel: sign-in, then a shell (navigation, live status, the signed-in user) around one page
// at a time, chosen by the URL's hash (#/risk, #/items/SKU, ...). Each page refetches what it
// shows when the server's stream says its data changed.

import { del, get, whenSignedOut } from './api.js'
import { h, replace, setServerNow } from './dom.js'
import { keepFocus } from './focus.js'
import { Live } from './live.js'
import { signInForm } from './signin.js'
import type { Ctx, Session, View } from './view.js'
import { approvalsView } from './views/approvals.js'
import { devicesView } from './views/devices.js'
import { itemView } from './views/item.js'
import { modelView } from './views/model.js'
import { overviewView } from './views/overview.js'
import { riskView } from './views/risk.js'
import { tasksView } from './views/tasks.js'

const PAGES: Array<{ hash: string, label: string, make: (ctx: Ctx) => View }> = [
  { hash: '#/overview', label: 'Overview', make: overviewView },
  { hash: '#/risk', label: 'Shelf risk', make: riskView },
  { hash: '#/tasks', label: 'Tasks', make: tasksView },
  { hash: '#/approvals', label: 'Approvals', make: approvalsView },
  { hash: '#/devices', label: 'Devices', make: devicesView },
  { hash: '#/model', label: 'Model and link', make: modelView }
]

const root = document.getElementById('app')!
const live = new Live()
let current: View | null = null
let session: Session | null = null
let pending: ReturnType<typeof setTimeout> | undefined
let stopFocus: (() => void) | null = null

function toast (message: string, tone: 'ok' | 'bad' = 'ok'): void {
  const t = h(`div.toast.${tone}`, { role: 'status' }, message)
  document.body.append(t)
  setTimeout(() => t.remove(), 4000)
}

function route (): { make: (ctx: Ctx) => View, params: Record<string, string>, nav: string } {
  const hash = location.hash || '#/overview'
  const item = /^#\/items\/(.+)$/.exec(hash)
  if (item !== null) return { make: itemView, params: { sku: decodeURIComponent(item[1]) }, nav: '#/risk' }
  const page = PAGES.find((p) => p.hash === hash) ?? PAGES[0]
  return { make: page.make, params: {}, nav: page.hash }
}

function shell (s: Session): { main: HTMLElement, title: HTMLElement, nav: HTMLElement } {
  const dot = h('span.live-dot', { title: 'live updates', 'aria-label': 'live updates off' })
  live.onState((up) => { dot.classList.toggle('up', up); dot.setAttribute('aria-label', up ? 'live updates on' : 'live updates reconnecting') })
  const nav = h('nav.side', { 'aria-label': 'Sections' }, h('ul', {}, ...PAGES.map((p) => h('li', {}, h('a', { href: p.hash, 'data-nav': p.hash }, p.label)))))
  const title = h('h1.page-title')
  const main = h('main.content', { id: 'main', tabindex: -1 })
  const signOut = h('button.ghost.small', { type: 'button', onclick: () => { void del('/api/v1/session').finally(() => signedOut()) } }, 'Sign out')
  replace(root,
    h('header.top', {},
      h('div.brand', {}, h('span.logo', { 'aria-hidden': 'true' }, '▣'), ' store-edge'),
      dot,
      h('div.user', {}, h('span', {}, s.displayName), ' ', h('span.badge.mute', {}, s.role), ' ', signOut)),
    h('div.layout', {}, nav, h('div.page', {}, title, main)))
  return { main, title, nav }
}

let frame: ReturnType<typeof shell> | null = null

/** The server's time first (ages are on its clock), then the page's data. */
async function refreshView (view: View): Promise<void> {
  setServerNow((await get<{ now: string }>('/api/v1/clock')).now)
  await view.refresh()
}

async function show (): Promise<void> {
  if (session === null || frame === null) return
  current?.dispose?.()
  const r = route()
  const ctx: Ctx = { session, params: r.params, navigate: (hash) => { location.hash = hash }, toast }
  const view = r.make(ctx)
  current = view
  for (const a of frame.nav.querySelectorAll('a')) a.toggleAttribute('aria-current', a.getAttribute('data-nav') === r.nav)
  replace(frame.title, view.title)
  document.title = `${view.title} · store-edge`
  replace(frame.main, view.el)
  await refreshView(view).catch((e: unknown) => { toast((e as Error).message, 'bad') })
}

function signedIn (s: Session): void {
  session = s
  frame = shell(s)
  stopFocus?.()
  stopFocus = keepFocus(frame.main)
  // The sign-in form that had the focus is gone: the keyboard starts in the content.
  frame.main.focus({ preventScroll: true })
  live.start()
  void show()
}

function signedOut (): void {
  session = null
  frame = null
  current?.dispose?.()
  current = null
  stopFocus?.()
  stopFocus = null
  live.stop()
  replace(root, signInForm(signedIn))
}

live.on((topic) => {
  if (current === null || !current.topics.includes(topic)) return
  // A burst of notices (a scoring pass, a handheld's batch) is one refresh.
  clearTimeout(pending)
  const view = current
  pending = setTimeout(() => { if (view === current) void refreshView(view).catch(() => {}) }, 250)
})

// The session ended elsewhere (signed out in another tab, the account removed or its role changed,
// expiry): back to the sign-in form, saying why.
live.onEnded((reason) => {
  if (reason === 'shutdown' || session === null) return
  signedOut()
  toast(reason === 'account_changed' ? 'Your account was changed by a manager: sign in again.' : 'Your session ended: sign in again.', 'bad')
})

window.addEventListener('hashchange', () => { void show() })
// The skip link moves the focus to the page's content; followed as a link it would change the hash
// (#main), which routes to the overview.
document.querySelector('a.skip')?.addEventListener('click', (e) => {
  e.preventDefault()
  document.getElementById('main')?.focus()
})
whenSignedOut(() => { if (session !== null) { toast('Your session ended: sign in again.', 'bad'); signedOut() } })

get<{ session: Session }>('/api/v1/session').then((r) => signedIn(r.session), () => signedOut())
