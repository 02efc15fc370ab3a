// The panel end to end in real Chromium against a real server: a wrong password is refused; a
// manager signs in, moves through the panel by keyboard (skip link, Tab to the navigation, Enter on
// a link and on a risk row, a dialog opened with Enter and closed with Escape, the focus kept across
// a live redraw, a visible focus ring), approves an order proposal and decides a receiving
// adjustment (an ASN received short) and sees both leave the list, and watches a task that a
// handheld claims and completes move across the board, all without a reload. Each page is saved as
// a screenshot (test-artifacts/panel/) at 1280x800, and the overview and the board at 768x1024.

import t from 'tap'
import { buildPanel } from '../../web/build.js'
import { Accounts } from '../../src/store/accounts.js'
import type { Page } from 'playwright-core'
import { launchBrowser, openPage, screenshot } from '../helpers/browser.js'
import { startTestServer, type TestServer } from '../helpers/server.js'
import { basic } from '../http/api.js'
import { steadyHistory } from '../orders/orders-helpers.js'

const ADMIN = 'panel-test-admin-token-0123'
const MANAGER = { username: 'maria', password: 'shelf-walk-2026' }

async function admin (s: TestServer, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown): Promise<any> {
  const res = await s.app.inject({ method, url, headers: { authorization: `Bearer ${ADMIN}` }, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) })
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`)
  return res.json()
}

/** ASN-7 from Acme lists 24 of FOODS_1_002; the dock scans 20 and the ASN is closed: one review waits. */
async function shortDelivery (s: TestServer): Promise<{ id: number }> {
  await admin(s, 'POST', '/api/v1/asns', { id: 'ASN-7', supplier: 'Acme', lines: [{ sku: 'FOODS_1_002', qty: 24 }] })
  const dock = basic('rcv-1', s.addDevice('rcv-1', 'handheld-scanner-app'))
  const now = (await admin(s, 'GET', '/api/v1/clock')).now as string
  const res = await s.app.inject({ method: 'POST', url: '/api/v1/events', headers: { authorization: dock }, payload: { events: [{ id: 'rcv-1-1', type: 'receipt', sku: 'FOODS_1_002', location: 'RCV', qty: 20, occurredAt: now, data: { asn: 'ASN-7' } }] } })
  if (res.json().accepted !== 1) throw new Error(`receipt: ${res.body}`)
  const closed = await admin(s, 'POST', '/api/v1/asns/ASN-7/close')
  return { id: closed.discrepancies[0].taskId as number }
}

/** What has the keyboard's focus: its tag, label and whether the focus ring shows. */
async function focused (page: Page): Promise<{ tag: string, label: string, id: string, inMain: boolean, inDialog: boolean, ring: string, visible: boolean }> {
  return await page.evaluate(() => {
    const el = document.activeElement as HTMLElement
    const style = getComputedStyle(el)
    return {
      tag: el.tagName.toLowerCase(),
      label: (el.getAttribute('aria-label') ?? el.textContent ?? '').trim(),
      id: el.id,
      inMain: el.closest('main') !== null,
      inDialog: el.closest('dialog[open]') !== null,
      ring: `${style.outlineStyle} ${style.outlineWidth}`,
      visible: el.matches(':focus-visible')
    }
  })
}

/** Presses Tab until `selector` has the focus (at most `max` times); the presses it took. */
async function tabTo (page: Page, selector: string, max = 12): Promise<number> {
  for (let n = 1; n <= max; n++) {
    await page.keyboard.press('Tab')
    if (await page.evaluate((sel) => document.activeElement?.matches(sel) === true, selector)) return n
  }
  throw new Error(`Tab did not reach ${selector} in ${max} presses`)
}

t.test('the panel in Chromium: sign-in, keyboard, risk, an item, approvals, a live task board', async (t) => {
  await buildPanel()
  const s = await startTestServer(t, { apiAuth: 'sessions', adminToken: ADMIN, clockMode: 'sim', clockStart: '2016-03-01T21:30:00Z' })
  new Accounts(s.db).upsert({ ...MANAGER, displayName: 'Maria Lopez', role: 'manager' })
  // Data: a year of sales so the order run proposes, a policy that sends every order to a manager,
  // the proposals made, and every shelf scored.
  await admin(s, 'POST', '/api/v1/sales/history', { sales: steadyHistory() })
  await admin(s, 'PUT', '/api/v1/policies', { yaml: 'defaults:\n  autoApprove:\n    maxValue: 1\n', by: 'hq-ops', reason: 'e2e: every order waits for a manager' })
  await admin(s, 'POST', '/api/v1/order-proposals/run')
  await s.risk.rescoreAll()
  const pending = (await admin(s, 'GET', '/api/v1/order-proposals?state=pending')).proposals as Array<{ id: number, sku: string }>
  t.ok(pending.length >= 2, `${pending.length} proposals wait`)
  const review = await shortDelivery(s)

  const browser = await launchBrowser(t)
  const page = await openPage(browser)
  const base = `http://127.0.0.1:${s.ports.http}`
  await page.goto(`${base}/`)

  // A wrong password is refused, and says so.
  await page.fill('#username', MANAGER.username)
  await page.fill('#password', 'not-the-password')
  await page.click('button[type=submit]')
  await page.waitForSelector('p.alert:not([hidden])')
  t.match(await page.textContent('p.alert'), /Wrong user name or password/)
  await screenshot(page, '01-sign-in-refused')

  await page.fill('#password', MANAGER.password)
  await page.click('button[type=submit]')
  await page.waitForSelector('[data-testid=overview-tiles] .tile')
  t.match(await page.textContent('header.top'), /Maria Lopez/)
  await page.waitForSelector('.live-dot.up')
  t.pass('signed in; the live stream is up')
  await screenshot(page, '02-overview')
  await page.evaluate(() => { (window as unknown as { marker: number }).marker = 42 })

  // By keyboard: signed in, the focus is on the content. The skip link (first on the page) shows
  // when focused and takes the focus to the content without leaving the page; from it, Tab reaches
  // the navigation, whose focus ring shows; Enter opens a page.
  t.match(await focused(page), { id: 'main' }, 'after signing in the focus is on the content')
  await page.locator('a.skip').focus()
  t.ok(((await page.locator('a.skip').boundingBox())?.x ?? -1) >= 0, 'the focused skip link is on screen')
  await page.keyboard.press('Enter')
  t.match(await focused(page), { id: 'main' }, 'the skip link moves the focus to the content')
  t.equal(await page.evaluate(() => location.hash), '', 'and does not leave the page')
  await page.locator('a.skip').focus()
  const presses = await tabTo(page, 'nav a[href="#/risk"]')
  t.ok(presses <= 4, `Tab reaches the navigation after the header's sign-out (${presses} presses)`)
  const ring = await focused(page)
  t.ok(ring.visible, 'the focused link matches :focus-visible')
  t.match(ring.ring, /^solid (3|[4-9])(\.\d+)?px$/, `a visible focus ring (${ring.ring})`)
  await page.keyboard.press('Enter')

  // The risk list fills; an item opens with its positions and ledger, from the keyboard too.
  await page.waitForSelector('[data-testid=risk-table] tbody tr[data-sku]', { timeout: 30_000 })
  const rows = await page.locator('[data-testid=risk-table] tbody tr[data-sku]').count()
  t.ok(rows > 0, `${rows} shelves in the risk list`)
  await screenshot(page, '03-risk')
  const sku = await page.locator('[data-testid=risk-table] tbody tr[data-sku]').first().getAttribute('data-sku')
  await page.locator('[data-testid=risk-table] tbody tr[data-sku]').first().press('Enter')
  await page.waitForSelector('[data-testid=item-title]') // drawn once the item's data came
  t.match(await page.textContent('[data-testid=item]'), new RegExp(sku!))
  t.match(await page.textContent('[data-testid=item]'), /Where it is/)
  t.ok((await focused(page)).inMain, 'the focus stays in the content when the row it was on is gone (not dropped on the page)')
  await screenshot(page, '04-item')

  // Approvals: the proposals, and the receiving adjustment waiting for review with its buttons.
  await page.click('nav a[href="#/approvals"]')
  await page.waitForSelector('article.proposal')
  const row = `[data-testid=reviews] tr[data-task-id="${review.id}"]`
  await page.waitForSelector(row)
  t.match(await page.textContent(row), /short: expected 24, received 20/)
  await screenshot(page, '05-approvals')

  // A dialog by keyboard: Enter on Recount opens it with the focus inside, Escape closes it and
  // the focus is back on Recount.
  const recount = page.locator(`${row} button[aria-label="Recount FOODS_1_002"]`)
  await recount.focus()
  await page.keyboard.press('Enter')
  await page.waitForSelector('dialog[open]')
  t.match(await focused(page), { inDialog: true, tag: 'input' }, 'the focus moved into the dialog, on the first count')
  await screenshot(page, '05b-review-dialog')
  await page.keyboard.press('Escape')
  await page.waitForSelector('dialog', { state: 'detached' })
  t.match(await focused(page), { label: 'Recount FOODS_1_002', inDialog: false }, 'Escape closed it; the focus is back on the button that opened it')

  // A live redraw (another task changed) replaces the row; the focus stays on the same button.
  await page.evaluate((sel) => { document.querySelector(sel)!.setAttribute('data-stale', '') }, `${row} button[aria-label="Recount FOODS_1_002"]`)
  await admin(s, 'POST', '/api/v1/tasks', { kind: 'count', sku: 'DAIRY_1_001', location: 'COOL-1', why: { rule: 'e2e: a change that redraws the approvals' } })
  await page.waitForFunction(() => document.querySelector('[data-stale]') === null)
  t.match(await focused(page), { label: 'Recount FOODS_1_002' }, 'the redrawn button has the focus')

  // Approve a proposal: it leaves the queue.
  const before = await page.locator('article.proposal').count()
  const first = page.locator('article.proposal').first()
  const id = await first.getAttribute('data-proposal-id')
  await first.locator('button', { hasText: 'Approve' }).click()
  await page.waitForFunction((pid) => document.querySelector(`article.proposal[data-proposal-id="${pid}"]`) === null, id)
  t.equal(await page.locator('article.proposal').count(), before - 1, 'the approved proposal left the queue')
  const decided = (await admin(s, 'GET', `/api/v1/order-proposals/${id}`)).proposal
  t.match(decided, { state: 'approved', decision: { mode: 'manager', by: 'maria' } }, 'decided as the signed-in manager')

  // Recount the short delivery: 22 found at the dock. The row leaves the list; the record and the
  // discrepancy follow; the audit log names Maria.
  await recount.focus()
  await page.keyboard.press('Enter')
  await page.waitForSelector('dialog[open]')
  await page.keyboard.type('22')
  await page.fill('dialog textarea[name=reason]', 'two more cartons found behind the dock door')
  await page.click('dialog button[type=submit]')
  await page.waitForSelector(row, { state: 'detached' })
  t.pass('the decided adjustment left the list')
  await page.waitForSelector('.toast:has-text("FOODS_1_002: recount posted")')
  t.match(await admin(s, 'GET', `/api/v1/tasks/${review.id}`), { state: 'done', result: { decision: 'recount', counts: [{ location: 'RCV', qty: 22 }], decidedBy: 'maria', reason: 'two more cartons found behind the dock door' } })
  t.match((await admin(s, 'GET', '/api/v1/asns/ASN-7')).asn.discrepancies[0], { decision: 'recount', resolvedAt: String })
  t.equal((await admin(s, 'GET', '/api/v1/items/FOODS_1_002')).positions.find((p: { location: string }) => p.location === 'RCV').onHand, 22, 'the record at the dock corrected')
  t.equal(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 42, 'no reload so far')

  // A task made now appears on the board; a handheld claims and completes it; the card moves, no reload.
  await page.click('nav a[href="#/tasks"]')
  await page.waitForSelector('[data-testid=task-board]')
  const made = await admin(s, 'POST', '/api/v1/tasks', { kind: 'fill', sku: 'FOODS_1_001', location: 'A01-1', fromLocation: 'BR-01', qty: 12, value: 2.5, laborMin: 6, why: { rule: 'e2e' } })
  const taskId = made.task.id as number
  await page.waitForSelector(`[data-column=open] article[data-task-id="${taskId}"]`)
  const secret = s.addDevice('hh-1', 'handheld-scanner-app')
  const auth = basic('hh-1', secret)
  await admin(s, 'POST', '/api/v1/associates', { id: 'ana', name: 'Ana Ruiz', badge: 'B-ana', pin: '1234' })
  const signIn = await s.app.inject({ method: 'POST', url: '/api/v1/handheld/sign-in', headers: { authorization: auth }, payload: { badge: 'B-ana', pin: '1234' } })
  const token = signIn.json().token as string
  const act = async (actions: unknown[]): Promise<void> => {
    const res = await s.app.inject({ method: 'POST', url: '/api/v1/handheld/actions', headers: { authorization: auth, 'x-associate-token': token }, payload: { actions } })
    if (res.statusCode !== 200) throw new Error(res.body)
  }
  await act([{ actionId: 'e2e-1', taskId, action: 'claim' }])
  await page.waitForSelector(`[data-column=claimed] article[data-task-id="${taskId}"]`)
  t.match(await page.textContent(`[data-column=claimed] article[data-task-id="${taskId}"]`), /ana/, 'claimed by Ana, shown without a reload')
  await screenshot(page, '06-tasks-claimed')
  await act([{ actionId: 'e2e-2', taskId, action: 'complete', result: { moved: 12 } }])
  await page.waitForSelector(`[data-column=done] article[data-task-id="${taskId}"]`)
  t.equal(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 42, 'the page was never reloaded')

  // The other pages, for the record.
  await page.click('nav a[href="#/devices"]')
  await page.waitForSelector('[data-testid=devices] tr[data-device-id="hh-1"]')
  await screenshot(page, '07-devices')
  await page.click('nav a[href="#/model"]')
  await page.waitForSelector('[data-testid=link]')
  await screenshot(page, '08-model-and-link')

  // A tablet held upright.
  const tablet = await openPage(browser, { width: 768, height: 1024 })
  await tablet.goto(`${base}/`)
  await tablet.fill('#username', MANAGER.username)
  await tablet.fill('#password', MANAGER.password)
  await tablet.click('button[type=submit]')
  await tablet.waitForSelector('[data-testid=overview-tiles] .tile')
  await screenshot(tablet, '09-overview-tablet')
  await tablet.goto(`${base}/panel/#/tasks`)
  await tablet.waitForSelector('[data-testid=task-board]')
  await screenshot(tablet, '10-tasks-tablet')

  // Signed out behind the page's back (another tab of the same session): the event stream ends
  // and the page goes to the sign-in form by itself, without a reload, saying why.
  await page.evaluate(async () => { await fetch('/api/v1/session', { method: 'DELETE' }) })
  await page.waitForSelector('#username')
  // Earlier toasts (the approval's) may still show: wait for this one.
  await page.locator('.toast', { hasText: /session ended/i }).waitFor()
  t.pass('the page says the session ended')
  t.equal(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 42, 'no reload')
  t.equal(await tablet.isVisible('[data-testid=task-board]'), true, 'the other session (the tablet) stays signed in')
})
