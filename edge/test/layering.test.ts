import t from 'tap'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

// DESIGN.md, "Layout": imports follow the data flow and never point back.
const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src')

/** What each part of edge/src may import (besides itself). */
const ALLOWED: Record<string, readonly string[]> = {
  core: [],
  profiles: ['core'],
  store: ['core'],
  ingest: ['core', 'profiles', 'store'],
  scoring: ['core', 'profiles', 'store'],
  outbox: ['core', 'profiles', 'store'],
  decisions: ['core', 'profiles', 'store', 'ingest', 'scoring', 'outbox'],
  http: ['core', 'profiles', 'store', 'ingest', 'scoring', 'outbox', 'decisions'],
  app: ['core', 'profiles', 'store', 'ingest', 'scoring', 'outbox', 'decisions', 'http'],
  main: ['core', 'profiles', 'store', 'ingest', 'scoring', 'outbox', 'decisions', 'http', 'app'],
  cli: ['core', 'profiles', 'store', 'ingest', 'scoring', 'outbox', 'decisions', 'http', 'app', 'main']
}

function files (dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : []
  })
}

/** The part a file belongs to: its top folder under src, or app/main for those two files. */
function partOf (file: string): string {
  const rel = relative(SRC, file)
  const top = rel.split('/')[0]
  return top.replace(/\.(ts|js)$/, '')
}

function importsOf (file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const out: string[] = []
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/g)) out.push(m[1])
  for (const m of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1])
  return out.filter((s) => s.startsWith('.'))
}

t.test('every part of edge/src imports only the parts before it in the flow', async (t) => {
  const all = files(SRC)
  t.ok(all.length > 30, `found ${all.length} source files`)
  const violations: string[] = []
  for (const file of all) {
    const from = partOf(file)
    const allowed = ALLOWED[from]
    if (!allowed) { violations.push(`${relative(SRC, file)}: part "${from}" is not in the layering table`); continue }
    for (const spec of importsOf(file)) {
      const target = partOf(resolve(dirname(file), spec))
      if (target !== from && !allowed.includes(target)) violations.push(`${relative(SRC, file)} imports ${spec} (${from} -> ${target})`)
    }
  }
  t.same(violations, [], 'no import points back against the flow')
})

t.test('the check itself catches a backwards import', async (t) => {
  // core importing store would be a violation: the table must say so.
  t.notOk(ALLOWED.core.includes('store'))
  t.notOk(ALLOWED.ingest.includes('http'))
  t.notOk(ALLOWED.store.includes('profiles'), 'profiles and store stand side by side')
})
