// Reads profile files: JSON, then the profile schema, then the checks beyond it (check-profile.ts),
// then compiles each stream's decoder. Every problem names the file, the JSON pointer and what is
// wrong; loadProfiles throws them all at once (PROFILE_INVALID), collectProfiles returns them.

import { readdirSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Ajv, ValidateFunction } from 'ajv'
import { EdgeError, Errors } from '../core/errors.js'
import { createPayloadAjv, createProfileAjv } from './ajv.js'
import { ProfileCatalogue } from './catalogue.js'
import { checkProfile } from './check-profile.js'
import { attachDecoder, compileStream, type StreamDecoder } from './compile.js'
import { displayPath, formatProblem, pointer, problemsOf, type Finding } from './problems.js'
import { findingsFromAjv } from './schema-errors.js'
import { PROFILE_SCHEMA_FILE, PROFILE_SCHEMA_NAME } from './shipped.js'
import type { DeviceProfile, LoadedProfile, ProfileProblem } from './types.js'

export interface LoadOptions {
  /** The profile schema; default the shipped device-profiles/profile.schema.json. */
  schemaFile?: string
}

export interface LoadResult {
  /** The profiles without problems. */
  profiles: LoadedProfile[]
  problems: ProfileProblem[]
}

interface Loader {
  profileAjv: Ajv
  payloadAjv: Ajv
  validateProfile: ValidateFunction
}

function createLoader (opts: LoadOptions): Loader {
  const schemaFile = opts.schemaFile ?? PROFILE_SCHEMA_FILE
  let schema: unknown
  try {
    schema = JSON.parse(readFileSync(schemaFile, 'utf8'))
  } catch (err) {
    throw new EdgeError(Errors.PROFILE_INVALID, `${displayPath(schemaFile)}: the profile schema cannot be read: ${(err as Error).message}`)
  }
  const profileAjv = createProfileAjv()
  return { profileAjv, payloadAjv: createPayloadAjv(), validateProfile: profileAjv.compile(schema as object) }
}

function deepFreeze<T> (value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const v of Object.values(value)) deepFreeze(v)
  }
  return value
}

/** One file: its profile when it has no problems, and its findings. */
function loadFile (file: string, loader: Loader): { profile?: LoadedProfile, findings: Finding[] } {
  let data: unknown
  try {
    data = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    return { findings: [{ pointer: '', message: e.code !== undefined ? `cannot be read: ${e.message}` : `is not valid JSON: ${e.message}` }] }
  }
  if (!loader.validateProfile(data)) return { findings: findingsFromAjv(loader.validateProfile.errors) }
  const profile = data as DeviceProfile
  const findings = checkProfile(profile, loader.profileAjv)
  if (findings.length > 0) return { findings }
  const decoders: StreamDecoder[] = []
  profile.streams.forEach((s, i) => {
    try {
      decoders.push(compileStream(profile.id, s, loader.payloadAjv))
    } catch (err) {
      findings.push({ pointer: pointer('streams', i, 'schema'), message: `is not a usable JSON Schema: ${(err as Error).message}` })
    }
  })
  if (findings.length > 0) return { findings }
  const loaded: LoadedProfile = { ...profile, file }
  profile.streams.forEach((s, i) => attachDecoder(s, decoders[i]))
  return { profile: deepFreeze(loaded), findings }
}

/** The profile files of a folder: every *.json but the schema, in name order. */
export function listProfileFiles (dir: string): string[] {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch (err) {
    throw new EdgeError(Errors.PROFILE_INVALID, `${displayPath(resolve(dir))}: the profiles folder cannot be read: ${(err as Error).message}`)
  }
  return names.filter((n) => n.endsWith('.json') && n !== PROFILE_SCHEMA_NAME).sort().map((n) => resolve(dir, n))
}

/** Loads files and reports every problem, including profile ids used by more than one file. */
export function collectProfiles (files: readonly string[], opts: LoadOptions = {}): LoadResult {
  const loader = createLoader(opts)
  const profiles: LoadedProfile[] = []
  const problems: ProfileProblem[] = []
  const owner = new Map<string, string>()
  for (const file of files) {
    const abs = resolve(file)
    const { profile, findings } = loadFile(abs, loader)
    problems.push(...problemsOf(displayPath(abs), findings))
    if (profile === undefined) continue
    const first = owner.get(profile.id)
    if (first !== undefined) {
      problems.push({ file: displayPath(abs), pointer: '/id', message: `duplicate profile id ${JSON.stringify(profile.id)} (also in ${displayPath(first)})` })
      continue
    }
    owner.set(profile.id, abs)
    profiles.push(profile)
  }
  return { profiles, problems }
}

/**
 * Every profile in `dir`, checked and compiled. Throws EdgeError PROFILE_INVALID listing every
 * problem, one per line (`file: /pointer: what`); err.details holds them as ProfileProblem[].
 */
export function loadProfiles (dir: string, opts: LoadOptions = {}): ProfileCatalogue {
  const { profiles, problems } = collectProfiles(listProfileFiles(dir), opts)
  if (problems.length > 0) throw new EdgeError(Errors.PROFILE_INVALID, problems.map(formatProblem).join('\n'), problems)
  return new ProfileCatalogue(profiles, resolve(dir))
}

// What start-up code imports alongside loadProfiles.
export { ProfileCatalogue } from './catalogue.js'
export { SHIPPED_PROFILES_DIR } from './shipped.js'
