import { checkProfileFile } from '../profiles/check-file.js'
import { formatProblem } from '../profiles/problems.js'
import { configFrom } from './context.js'
import type { Out } from './out.js'

/** Exit 0 when every profile is valid and its fixtures decode as expected, 1 otherwise. */
export function profilesCommand (args: string[], opts: { config?: string, json: boolean }, out: Out): number {
  const [sub, target] = args
  if (sub !== 'check') {
    out.error('usage: store-edge profiles check [FILE|DIR]')
    return 2
  }
  const path = target ?? configFrom(opts).profilesDir
  const problems = checkProfileFile(path)
  if (opts.json) out.line(JSON.stringify({ path, ok: problems.length === 0, problems }))
  else if (problems.length === 0) out.line(`${path}: ok`)
  else for (const p of problems) out.error(formatProblem(p))
  return problems.length === 0 ? 0 : 1
}
