// GTIN-8/12/13/14 (GS1 General Specifications, section 7.9: mod-10 check digit, weights 3 and 1
// from the right). Normalised to 14 digits so one item has one key whatever the scanner sent.

export type GtinCheck = { ok: true, gtin14: string } | { ok: false, reason: 'format' | 'check_digit' }

const LENGTHS = new Set([8, 12, 13, 14])

export function checkDigitOf (body: string): number {
  let sum = 0
  // Rightmost body digit gets weight 3, then alternate 1, 3, ...
  for (let i = body.length - 1, w = 3; i >= 0; i--, w = 4 - w) sum += (body.charCodeAt(i) - 48) * w
  return (10 - (sum % 10)) % 10
}

export function checkGtin (raw: string): GtinCheck {
  if (!/^\d+$/.test(raw) || !LENGTHS.has(raw.length)) return { ok: false, reason: 'format' }
  const body = raw.slice(0, -1)
  if (checkDigitOf(body) !== raw.charCodeAt(raw.length - 1) - 48) return { ok: false, reason: 'check_digit' }
  return { ok: true, gtin14: raw.padStart(14, '0') }
}
