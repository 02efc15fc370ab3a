// Summarises a .cpuprofile (from `npm run bench:ingest -- --profile`): self and total (inclusive)
// time by function, self time by area (our source file, a dependency, V8's GC, idle), and the long
// tasks (stretches of the event loop without a pause) with what filled them.
//
//   node --import tsx bench/profile-summary.ts bench/out/ingest-....cpuprofile [top=30]

import { readFileSync } from 'node:fs'

interface CallFrame { functionName: string, url: string, lineNumber: number, columnNumber: number }
interface ProfileNode { id: number, callFrame: CallFrame, children?: number[] }
export interface Profile { nodes: ProfileNode[], startTime: number, endTime: number, samples: number[], timeDeltas: number[] }

interface Row { name: string, where: string, ms: number, share: number }

export interface Summary {
  totalMs: number
  idleMs: number
  /** Time by ingest stage: each sample goes to the first stage matched walking from leaf to root. */
  stages: Array<{ stage: string, ms: number, share: number }>
  self: Row[]
  total: Row[]
  areas: Array<{ area: string, ms: number, share: number }>
  longTasks: { thresholdMs: number, count: number, ms: number, p50: number, max: number, byCause: Array<{ cause: string, count: number, ms: number, maxMs: number }> }
}

/** Where a frame lives: node_modules/<pkg>, edge/src/<file>, node:<module>, or V8's own (GC, idle). */
function areaOf (f: CallFrame): string {
  const url = f.url
  if (url === '') return f.functionName.startsWith('(') ? f.functionName : '(native)'
  const nm = url.lastIndexOf('node_modules/')
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/')
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]
  }
  const src = url.indexOf('/edge/src/')
  if (src >= 0) return 'edge/src/' + url.slice(src + '/edge/src/'.length)
  if (url.startsWith('node:')) return url
  return url.replace(/^file:\/\//, '')
}

function keyOf (f: CallFrame): { key: string, name: string, where: string } {
  const area = areaOf(f)
  const where = f.url === '' ? area : `${area}:${f.lineNumber + 1}`
  const name = f.functionName || '(anonymous)'
  return { key: `${name}@${where}`, name, where }
}

// Stages of the store server's ingest path, matched against `functionName@url` of each frame.
const STAGES: Array<[string, RegExp]> = [
  ['idle', /^\(idle\)@/],
  ['garbage collection', /^\(garbage collector\)@/],
  ['metrics (prom-client)', /node_modules\/prom-client\//],
  ['socket writes (PUBACKs)', /@node:internal\/stream_base_commons|^uncork@.*mqtt-packet|^handleWriteReq@|^writev@|^writeBuffer@/],
  ['SQLite journal transaction', /^sqliteTransaction@|\/edge\/src\/store\/(journal|effects)\./],
  ['presence and device registry', /\/edge\/src\/(ingest\/presence|store\/devices)\./],
  ['decode, validate, normalize', /\/edge\/src\/(profiles|ingest\/normalize|ingest\/pipeline|core\/gtin)/],
  ['commit queue and acks', /\/edge\/src\/ingest\/commit-queue\./],
  ['MQTT parsing, aedes, broker rules', /node_modules\/(aedes|mqtt-packet|qlobber|mqemitter|bl|fastparallel|fastfall|reusify|debug|aedes-[a-z-]+)\/|\/edge\/src\/ingest\/mqtt\//],
  ['network reads, streams', /@node:(net|internal\/streams|stream|events|internal\/process\/task_queues|internal\/timers|timers)/]
]

function stageOf (stack: CallFrame[]): string {
  for (const f of stack) {
    const key = `${f.functionName}@${f.url}`
    for (const [stage, re] of STAGES) if (re.test(key)) return stage
  }
  return 'other'
}

// Frames that say nothing about the cause of a long task: the loop's own machinery.
const PLUMBING = /^(\(root\)|\(program\)|\(anonymous\)|processImmediate|processTicksAndRejections|listOnTimeout|processTimers|emit|runMicrotasks|onStreamRead|callbackTrampoline|afterWriteDispatched|Readable\.read|addChunk|readableAddChunk|push|emitReadable_|flow|resume_|Socket\._onTimeout)$/

export function summarise (p: Profile, longTaskMs = 10): Summary {
  const byId = new Map<number, ProfileNode>()
  const parent = new Map<number, number>()
  for (const n of p.nodes) {
    byId.set(n.id, n)
    for (const c of n.children ?? []) parent.set(c, n.id)
  }
  const stackOf = (id: number): number[] => {
    const out: number[] = []
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) out.push(cur)
    return out
  }
  const totalMs = (p.endTime - p.startTime) / 1000
  const self = new Map<string, Row>()
  const incl = new Map<string, Row>()
  const areas = new Map<string, number>()
  let idleMs = 0
  const stages = new Map<string, number>()
  // Long tasks: contiguous non-idle samples.
  const tasks: Array<{ ms: number, incl: Map<string, number> }> = []
  let task: { ms: number, incl: Map<string, number> } | null = null
  for (let i = 0; i < p.samples.length; i++) {
    const dt = (p.timeDeltas[i + 1] ?? 0) / 1000 // the gap after sample i is attributed to it
    const leaf = byId.get(p.samples[i])!
    const lk = keyOf(leaf.callFrame)
    const s = self.get(lk.key) ?? { name: lk.name, where: lk.where, ms: 0, share: 0 }
    s.ms += dt
    self.set(lk.key, s)
    const area = areaOf(leaf.callFrame)
    areas.set(area, (areas.get(area) ?? 0) + dt)
    const stack = stackOf(leaf.id)
    const stage = stageOf(stack.map((id) => byId.get(id)!.callFrame))
    stages.set(stage, (stages.get(stage) ?? 0) + dt)
    const idle = leaf.callFrame.functionName === '(idle)'
    if (idle) {
      idleMs += dt
      if (task) { tasks.push(task); task = null }
      continue
    }
    task ??= { ms: 0, incl: new Map() }
    task.ms += dt
    const seen = new Set<string>()
    for (const id of stack) {
      const k = keyOf(byId.get(id)!.callFrame)
      if (seen.has(k.key)) continue
      seen.add(k.key)
      const r = incl.get(k.key) ?? { name: k.name, where: k.where, ms: 0, share: 0 }
      r.ms += dt
      incl.set(k.key, r)
      if (!PLUMBING.test(k.name)) task.incl.set(k.key, (task.incl.get(k.key) ?? 0) + dt)
    }
  }
  if (task) tasks.push(task)
  const long = tasks.filter((t) => t.ms >= longTaskMs)
  const causes = new Map<string, { cause: string, count: number, ms: number, maxMs: number }>()
  for (const t of long) {
    // The cause: the outermost frame of ours (edge/src) that covers most of the task, else the
    // frame with the most inclusive time.
    let best = ''
    let bestMs = -1
    for (const [k, ms] of t.incl) {
      const ours = k.includes('@edge/src/')
      const score = ms + (ours ? t.ms : 0)
      if (score > bestMs) { bestMs = score; best = k }
    }
    const c = causes.get(best) ?? { cause: best, count: 0, ms: 0, maxMs: 0 }
    c.count++
    c.ms += t.ms
    c.maxMs = Math.max(c.maxMs, t.ms)
    causes.set(best, c)
  }
  const sortedLong = long.map((t) => t.ms).sort((a, b) => a - b)
  const rows = (m: Map<string, Row>): Row[] => [...m.values()].sort((a, b) => b.ms - a.ms).map((r) => ({ ...r, share: r.ms / totalMs }))
  return {
    totalMs,
    idleMs,
    stages: [...stages.entries()].sort((a, b) => b[1] - a[1]).map(([stage, ms]) => ({ stage, ms, share: ms / totalMs })),
    self: rows(self),
    total: rows(incl),
    areas: [...areas.entries()].sort((a, b) => b[1] - a[1]).map(([area, ms]) => ({ area, ms, share: ms / totalMs })),
    longTasks: {
      thresholdMs: longTaskMs,
      count: long.length,
      ms: sortedLong.reduce((a, b) => a + b, 0),
      p50: sortedLong[Math.floor(sortedLong.length / 2)] ?? 0,
      max: sortedLong[sortedLong.length - 1] ?? 0,
      byCause: [...causes.values()].sort((a, b) => b.ms - a.ms)
    }
  }
}

export function formatSummary (s: Summary, top: number): string {
  const pct = (x: number): string => `${(x * 100).toFixed(1).padStart(5)} %`
  const L = [`CPU profile of ${(s.totalMs / 1000).toFixed(1)} s; event loop idle ${pct(s.idleMs / s.totalMs)}`, '', 'Time by ingest stage (wall time of the main thread):']
  for (const st of s.stages) L.push(`  ${pct(st.share)}  ${st.stage}`)
  L.push('', 'Self time by area:')
  for (const a of s.areas.slice(0, top)) L.push(`  ${pct(a.share)}  ${a.area}`)
  L.push('', 'Self time by function:')
  for (const f of s.self.slice(0, top)) L.push(`  ${pct(f.share)}  ${f.name}  ${f.where}`)
  L.push('', 'Total (inclusive) time by function:')
  for (const f of s.total.filter((r) => !PLUMBING.test(r.name)).slice(0, top)) L.push(`  ${pct(f.share)}  ${f.name}  ${f.where}`)
  const lt = s.longTasks
  L.push('', `Long tasks (>= ${lt.thresholdMs} ms without an idle sample): ${lt.count}, ${pct(lt.ms / s.totalMs)} of the time, median ${lt.p50.toFixed(1)} ms, max ${lt.max.toFixed(1)} ms`)
  for (const c of lt.byCause.slice(0, 10)) L.push(`  ${String(c.count).padStart(5)} x  ${c.ms.toFixed(0).padStart(6)} ms (max ${c.maxMs.toFixed(1)})  ${c.cause}`)
  return L.join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2]
  if (!file) {
    process.stderr.write('usage: node --import tsx bench/profile-summary.ts FILE.cpuprofile [top]\n')
    process.exit(2)
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile
  process.stdout.write(formatSummary(summarise(profile), Number(process.argv[3] ?? 30)) + '\n')
}
