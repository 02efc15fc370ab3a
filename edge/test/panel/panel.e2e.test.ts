// The panel end to end in real Chromium against a real server: a wrong password is refused; a
// manager signs in, sees the risk list fill, opens an item, approves an order proposal and sees it
// leave the queue, and watches a task that a handheld claims and completes move across the board
// without a reload. Each page is saved as a screenshot (test-artifacts/panel/) at 1280x800, and
// the overview and the board at 768x1024 (a tablet).

import t from 'tap'
import { buildPanel } from '../../web/build.js'
import { Accounts } from '../../src/store/accounts.js'
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

t.test('the panel in Chromium: sign-in, risk, an item, an approval, a live task board', async (t) => {
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

  // The risk list fills; an item opens with its positions and ledger.
  await page.click('nav a[href="#/risk"]')
  await page.waitForSelector('[data-testid=risk-table] tbody tr[data-sku]', { timeout: 30_000 })
  const rows = await page.locator('[data-testid=risk-table] tbody tr[data-sku]').count()
  t.ok(rows > 0, `${rows} shelves in the risk list`)
  await screenshot(page, '03-risk')
  const sku = await page.locator('[data-testid=risk-table] tbody tr[data-sku]').first().getAttribute('data-sku')
  await page.locator('[data-testid=risk-table] tbody tr[data-sku]').first().press('Enter')
  await page.waitForSelector('[data-testid=item-title]') // drawn once the item's data came
  t.match(await page.textContent('[data-testid=item]'), new RegExp(sku!))
  t.match(await page.textContent('[data-testid=item]'), /Where it is/)
  await screenshot(page, '04-item')

  // Approve a proposal: it leaves the queue. A receiving adjustment waiting for review is listed too.
  const review = await admin(s, 'POST', '/api/v1/tasks', { kind: 'review', sku: 'FOODS_1_002', location: 'A01-2', qty: 4, value: 1, laborMin: 5, why: { asn: 'ASN-7', supplier: 'Acme', expected: 24, received: 20, text: '4 short of 24' } })
  await page.click('nav a[href="#/approvals"]')
  await page.waitForSelector('article.proposal')
  await page.waitForSelector(`[data-testid=reviews] tr[data-task-id="${review.task.id as number}"]`)
  t.match(await page.textContent('[data-testid=reviews]'), /4 short of 24/)
  const before = await page.locator('article.proposal').count()
  const first = page.locator('article.proposal').first()
  const id = await first.getAttribute('data-proposal-id')
  await screenshot(page, '05-approvals')
  await first.locator('button', { hasText: 'Approve' }).click()
  await page.waitForFunction((pid) => document.querySelector(`article.proposal[data-proposal-id="${pid}"]`) === null, id)
  t.equal(await page.locator('article.proposal').count(), before - 1, 'the approved proposal left the queue')
  const decided = (await admin(s, 'GET', `/api/v1/order-proposals/${id}`)).proposal
  t.match(decided, { state: 'approved', decision: { mode: 'manager', by: 'maria' } }, 'decided as the signed-in manager')

  // A task made now appears on the board; a handheld claims and completes it; the card moves, no reload.
  await page.click('nav a[href="#/tasks"]')
  await page.waitForSelector('[data-testid=task-board]')
  const made = await admin(s, 'POST', '/api/v1/tasks', { kind: 'fill', sku: 'FOODS_1_001', location: 'A01-1', fromLocation: 'BR-01', qty: 12, value: 2.5, laborMin: 6, why: { rule: 'e2e' } })
  const taskId = made.task.id as number
  await page.waitForSelector(`[data-column=open] article[data-task-id="${taskId}"]`)
  await page.evaluate(() => { (window as unknown as { marker: number }).marker = 42 })
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
})
