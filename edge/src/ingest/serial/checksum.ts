// The one-byte checksums serial scanners append after ETX. Both cover the frame body only: the bytes
// strictly between STX and ETX, not STX or ETX themselves (as the profile's `checksum` field says).

export type ChecksumKind = 'xor' | 'sum8'

/** Checksum of the first `length` bytes of `body`, 0-255. */
export function checksum (kind: ChecksumKind, body: Uint8Array, length: number = body.length): number {
  let acc = 0
  if (kind === 'xor') {
    for (let i = 0; i < length; i++) acc ^= body[i]
    return acc
  }
  for (let i = 0; i < length; i++) acc = (acc + body[i]) & 0xff // sum modulo 256
  return acc
}
