// The seam between the reader and the serialport package: what the reader needs from a port, and
// the real factory. Tests may pass another factory with the same shape.

import { SerialPort } from 'serialport'
import type { SerialFraming } from '../../profiles/types.js'
import { hangupAwareBinding } from './hangup-binding.js'

/** Line settings for one port, taken from the profile's framing. */
export interface PortSettings {
  path: string
  baudRate: number
  dataBits: 7 | 8
  parity: 'none' | 'even' | 'odd'
  stopBits: 1 | 2
  /** Always false: the reader opens the port itself, so it sees the open error. */
  autoOpen: false
}

/** The part of serialport's SerialPort the reader uses. */
export interface SerialPortLike {
  readonly isOpen: boolean
  open (callback: (err: Error | null) => void): void
  close (callback: (err: Error | null) => void): void
  on (event: 'data', listener: (chunk: Buffer) => void): unknown
  on (event: 'close', listener: (err?: Error | null) => void): unknown
  on (event: 'error', listener: (err: Error) => void): unknown
}

export type OpenPort = (settings: PortSettings) => SerialPortLike

export function portSettings (path: string, framing: SerialFraming): PortSettings {
  return {
    path,
    baudRate: framing.baudRate,
    dataBits: framing.dataBits ?? 8,
    parity: framing.parity ?? 'none',
    stopBits: framing.stopBits ?? 1,
    autoOpen: false
  }
}

/** The real factory: serialport with the hang-up fix of hangup-binding.ts. */
export function serialPortOpener (binding = hangupAwareBinding()): OpenPort {
  return (settings) => {
    const options = { ...settings, binding } // serialport accepts a binding; its types leave it out
    return new SerialPort(options)
  }
}

export const openSerialPort: OpenPort = serialPortOpener()
