// Device profiles: declarative device definitions (one JSON file per device model), validated at
// load time and decoded by named codecs. What ingest and the CLI use.

export type {
  DeviceProfile, LoadedProfile, StreamSpec, EventMapping, FieldSpec, SerialFraming, Fixture,
  DecodeContext, ProfileIdentity, ProfileKind, ProfileProblem
} from './types.js'
export { ProfileCatalogue } from './catalogue.js'
export { loadProfiles, collectProfiles, listProfileFiles, type LoadOptions, type LoadResult } from './loader.js'
export { checkProfileFile } from './check-file.js'
export { runFixtures, type FixtureResult } from './fixtures.js'
export { decodeMessage, noItems } from './decode.js'
export { formatProblem } from './problems.js'
export { SHIPPED_PROFILES_DIR, PROFILE_SCHEMA_FILE } from './shipped.js'
export { codecs } from './codecs/index.js'
