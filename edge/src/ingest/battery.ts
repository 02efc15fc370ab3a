// A device's battery from its heartbeat or status message: a JSON object with `battery` or
// `batteryPct`, percent 0-100 (handhelds and battery shelf sensors send it with each heartbeat).
// Anything else (an empty heartbeat, a plain "online", a value out of range) says nothing about it.

export function batteryOf (payload: Buffer): number | null {
  if (payload.length === 0 || payload.length > 4096 || payload[0] !== 0x7b) return null // '{'
  let body: unknown
  try { body = JSON.parse(payload.toString('utf8')) } catch { return null }
  if (typeof body !== 'object' || body === null) return null
  const o = body as { battery?: unknown, batteryPct?: unknown }
  const v = typeof o.battery === 'number' ? o.battery : o.batteryPct
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 100 ? Math.round(v) : null
}
