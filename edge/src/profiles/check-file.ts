// `store-edge profiles check [FILE]`: everything the loader checks, plus the fixtures, for one
// profile file or a folder of them. Returns every problem instead of throwing, for the CLI to print.

import { statSync } from 'node:fs'
import { resolve } from 'node:path'
import { isEdgeError } from '../core/errors.js'
import { runFixtures } from './fixtures.js'
import { collectProfiles, listProfileFiles, type LoadOptions } from './loader.js'
import { displayPath, pointer } from './problems.js'
import type { ProfileProblem } from './types.js'

/** Problems of a profile file, or of every profile in a folder (ids unique across it); [] when fine. */
export function checkProfileFile (target: string, opts: LoadOptions = {}): ProfileProblem[] {
  const abs = resolve(target)
  let files: string[]
  try {
    files = statSync(abs).isDirectory() ? listProfileFiles(abs) : [abs]
    const { profiles, problems } = collectProfiles(files, opts)
    for (const profile of profiles) {
      for (const r of runFixtures(profile)) {
        if (!r.ok) problems.push({ file: displayPath(profile.file), pointer: pointer('fixtures', r.index), message: `fixture ${JSON.stringify(r.name)}: ${r.problem ?? 'failed'}` })
      }
    }
    return problems
  } catch (err) {
    if (isEdgeError(err)) return [{ file: displayPath(abs), pointer: '', message: err.message }]
    return [{ file: displayPath(abs), pointer: '', message: `cannot be read: ${(err as Error).message}` }]
  }
}
