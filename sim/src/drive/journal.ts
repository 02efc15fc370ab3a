// Reads the server's event journal back (GET /api/v1/events, paged by seq): how a run checks that
// what its devices had acknowledged is what the server holds, once each.

export async function journalTotals (baseUrl: string, adminToken: string, type: string): Promise<{ events: number, qty: number }> {
  let afterSeq = 0
  let events = 0
  let qty = 0
  for (;;) {
    const res = await fetch(`${baseUrl}/api/v1/events?type=${encodeURIComponent(type)}&afterSeq=${afterSeq}&limit=5000`, { headers: { authorization: `Bearer ${adminToken}` } })
    if (!res.ok) throw new Error(`GET /api/v1/events: ${res.status} ${await res.text()}`)
    const body = await res.json() as { events: Array<{ seq: number, qty: number | null }>, nextAfterSeq: number | null }
    for (const e of body.events) {
      events++
      qty += e.qty ?? 0
      afterSeq = e.seq
    }
    if (body.nextAfterSeq === null) return { events, qty }
  }
}
