// Where the shipped device profiles are: the nearest device-profiles/ (with its schema) above this
// module, so the same code finds it from edge/src/profiles/*.ts (tsx, tests) and from
// dist/edge/src/profiles/*.js (the built server), and from an installed package.

import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const SCHEMA_NAME = 'profile.schema.json'

/** The nearest `device-profiles` folder holding the schema, walking up from `start`. */
export function findProfilesDir (start: string): string | undefined {
  let dir = start
  for (;;) {
    const candidate = join(dir, 'device-profiles')
    if (existsSync(join(candidate, SCHEMA_NAME))) return candidate
    const up = dirname(dir)
    if (up === dir) return undefined
    dir = up
  }
}

const here = dirname(fileURLToPath(import.meta.url))

/** Absolute path of the shipped device-profiles/ folder. */
export const SHIPPED_PROFILES_DIR: string = findProfilesDir(here) ?? resolve(here, '../../../device-profiles')

/** The schema every profile file is validated against (always the shipped one, whatever folder is loaded). */
export const PROFILE_SCHEMA_FILE: string = join(SHIPPED_PROFILES_DIR, SCHEMA_NAME)

export { SCHEMA_NAME as PROFILE_SCHEMA_NAME }
