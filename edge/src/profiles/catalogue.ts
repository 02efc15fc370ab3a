// The loaded profiles of one server: looked up by id when a device registers and by (profile,
// stream) for every message. Built by loadProfiles; immutable afterwards.

import { EdgeError, Errors } from '../core/errors.js'
import type { EventDraft } from '../core/event.js'
import { decodeMessage } from './decode.js'
import type { DecodeContext, LoadedProfile, StreamSpec } from './types.js'

export class ProfileCatalogue {
  private readonly byId: ReadonlyMap<string, LoadedProfile>
  private readonly streams: ReadonlyMap<string, ReadonlyMap<string, StreamSpec>>

  /** Profiles must come from the loader (checked, decoders compiled, frozen). */
  constructor (profiles: readonly LoadedProfile[], readonly dir: string) {
    this.byId = new Map(profiles.map((p) => [p.id, p]))
    this.streams = new Map(profiles.map((p) => [p.id, new Map(p.streams.map((s) => [s.name, s]))]))
  }

  get (id: string): LoadedProfile | undefined {
    return this.byId.get(id)
  }

  /** Every profile, in id order. */
  list (): LoadedProfile[] {
    return [...this.byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  }

  /** The stream of a profile, or undefined when the profile or the stream does not exist. */
  stream (profileId: string, streamName: string): StreamSpec | undefined {
    return this.streams.get(profileId)?.get(streamName)
  }

  /**
   * Decodes a message for a device of `profileId` on `streamName`: PROFILE_UNKNOWN or UNKNOWN_STREAM
   * when there is no such profile or stream, else as decodeMessage.
   */
  decode (profileId: string, streamName: string, raw: Buffer, ctx: DecodeContext): EventDraft[] {
    const profile = this.byId.get(profileId)
    if (profile === undefined) throw new EdgeError(Errors.PROFILE_UNKNOWN, `unknown device profile ${JSON.stringify(profileId)}`)
    const stream = this.streams.get(profileId)?.get(streamName)
    if (stream === undefined) throw new EdgeError(Errors.UNKNOWN_STREAM, `profile ${profileId} has no stream ${JSON.stringify(streamName)}`)
    return decodeMessage(profile, stream, raw, ctx)
  }
}
