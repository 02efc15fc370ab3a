// Where the shipped shelf-risk model is: models/shelf-risk/shelf-risk.onnx in the nearest folder
// above this module that has it, so the same code finds it from edge/src/scoring (tsx, tests),
// from dist/edge/src/scoring (the built server) and from an installed package.

import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const RELATIVE = join('models', 'shelf-risk', 'shelf-risk.onnx')

function find (start: string): string | undefined {
  let dir = start
  for (;;) {
    if (existsSync(join(dir, RELATIVE))) return join(dir, RELATIVE)
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'models'))) return join(dir, RELATIVE)
    const up = dirname(dir)
    if (up === dir) return undefined
    dir = up
  }
}

const here = dirname(fileURLToPath(import.meta.url))

/** Absolute path of the shipped model (it may not exist yet: rules score until one is there). */
export const SHIPPED_RISK_MODEL: string = find(here) ?? resolve(here, '../../../..', RELATIVE)

/** The model file the configuration names: '' = shipped, 'none' = no model (rules only). */
export function riskModelPathOf (configured: string): string | null {
  if (configured === 'none') return null
  return configured === '' ? SHIPPED_RISK_MODEL : resolve(configured)
}
