// Copies of every model the store has activated or shadowed, in <dataDir>/models/<sha256>.onnx with
// its card beside it: a rollback needs the earlier model's bytes even after its source file was
// replaced or an upload's request is long gone, and the copy is checked against its sha256.

import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { EdgeError, Errors } from '../../core/errors.js'
import { readModelFile, type ModelSource } from '../model/load.js'

export class ModelStore {
  constructor (readonly dir: string) {}

  /**
   * Stores the model's bytes (once per sha256) and its card, stamped with that sha256 (an embedded
   * card cannot know the hash of the file that holds it); returns the stored .onnx path.
   */
  keep (sha256: string, bytes: Uint8Array, card: Record<string, unknown>): string {
    mkdirSync(this.dir, { recursive: true })
    const path = join(this.dir, `${sha256}.onnx`)
    if (!existsSync(path)) {
      // Written beside and renamed: a crash never leaves a half model under its final name.
      writeFileSync(`${path}.tmp`, bytes)
      renameSync(`${path}.tmp`, path)
    }
    writeFileSync(join(this.dir, `${sha256}.card.json`), JSON.stringify({ ...card, sha256 }, null, 2))
    return path
  }

  /** Reads a stored copy back, refusing one whose bytes are not the sha256 it was stored as. */
  read (path: string, sha256: string): ModelSource {
    const src = readModelFile(path)
    const got = createHash('sha256').update(src.bytes).digest('hex')
    if (got !== sha256) throw new EdgeError(Errors.MODEL_INVALID, `stored model ${path} has sha256 ${got}, registered as ${sha256}: it changed on disk`, { path })
    return src
  }
}

export function readUpload (bytes: Uint8Array, cardText: string | null): ModelSource {
  return { bytes, where: 'upload', card: cardText === null ? null : { text: cardText, where: 'upload card' }, path: null }
}
