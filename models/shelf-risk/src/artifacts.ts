// Writes what a training run produces into one directory: both ONNX files, each with its card
// where the server looks for it ("<stem>.card.json", else "model-card.json"), and the GBDT's card
// for people (MODEL_CARD.md). Returns the paths written.

import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { renderCard } from './card-markdown.js'
import type { PipelineResult } from './pipeline.js'

export const CARD_JSON = 'model-card.json'
export const CARD_MD = 'MODEL_CARD.md'

const json = (x: unknown): string => JSON.stringify(x, null, 2) + '\n'

export async function writeArtifacts (dir: string, r: PipelineResult): Promise<string[]> {
  await mkdir(dir, { recursive: true })
  const files: Array<[string, Uint8Array | string]> = [
    [r.card.file, r.gbdtOnnx],
    [CARD_JSON, json(r.card)],
    [CARD_MD, renderCard(r.card)],
    [r.logisticCard.file, r.logisticOnnx],
    [r.logisticCard.file.replace(/\.onnx$/, '.card.json'), json(r.logisticCard)]
  ]
  for (const [name, content] of files) await writeFile(join(dir, name), content)
  return files.map(([name]) => join(dir, name))
}
