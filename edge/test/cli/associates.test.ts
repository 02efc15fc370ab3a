// `store-edge associates import FILE.csv`: the roster with zones, skills and shifts, all rows or none.

import t from 'tap'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { silentLog } from '../../src/core/log.js'
import { Associates } from '../../src/store/associates.js'
import { openDatabase } from '../../src/store/db.js'
import { run, storeDir } from './run.js'

function roster<T> (dataDir: string, fn: (a: Associates) => T): T {
  const db = openDatabase({ dataDir, synchronous: 'NORMAL', log: silentLog(), now: () => new Date().toISOString() })
  try {
    return fn(new Associates(db, () => Date.now()))
  } finally {
    db.close()
  }
}

const HEADER = 'id,name,badge,pin,zones,skills,shift_start,shift_end,active'

t.test('a roster imports associates with their zones, skills and shifts, and updates them in place', async (t) => {
  const { dir, dataDir, cfg } = storeDir(t)
  const path = join(dir, 'roster.csv')
  writeFileSync(path, [HEADER, 'ana,Ana Ruiz,B-100,1234,grocery;dairy,fill;count,07:00,15:30,yes', 'bo,Bo Lind,B-200,5678,,,,,'].join('\n') + '\n')
  const first = await run('associates', 'import', path, ...cfg)
  t.equal(first.code, 0)
  t.same(first.lines, ['associates: 2 created, 0 updated'])
  roster(dataDir, (a) => {
    t.match(a.get('ana'), { badge: 'B-100', zones: ['grocery', 'dairy'], skills: ['fill', 'count'], shiftStart: 420, shiftEnd: 930, active: true })
    t.match(a.get('bo'), { zones: [], skills: [], shiftStart: null, shiftEnd: null })
    t.equal(a.signIn('B-100', '1234', 'hh-1', 60).associate.id, 'ana', 'the PIN from the file signs in')
  })
  // An update may leave the PIN out: the associate keeps theirs.
  writeFileSync(path, [HEADER, 'ana,Ana Ruiz,B-100,,produce,,14:00,22:00,no'].join('\n') + '\n')
  const second = await run('associates', 'import', path, '--json', ...cfg)
  t.same(JSON.parse(second.lines[0]), { created: 0, updated: 1 })
  roster(dataDir, (a) => t.match(a.get('ana'), { zones: ['produce'], shiftStart: 840, active: false }))
})

t.test('a roster with bad rows imports nothing and names every bad row and field', async (t) => {
  const { dir, dataDir, cfg } = storeDir(t)
  const path = join(dir, 'roster.csv')
  writeFileSync(path, [
    HEADER,
    'ok,Fine Person,B-1,1234,,,,,',
    'new,No Pin,B-2,,,,,,',
    'x,Bad Skill,B-3,1234,,fill;dance,,,',
    'y,Bad Shift,B-4,12,,,25:00,08:00,',
    'ok,Twice,B-1,1234,,,,,'
  ].join('\n') + '\n')
  const res = await run('associates', 'import', path, ...cfg)
  t.equal(res.code, 1)
  t.same(res.lines, [])
  t.match(res.errors[0], /6 problem\(s\), nothing was imported.*\[EDGE_ERR_IMPORT_INVALID\]/)
  t.same(res.errors.slice(1), [
    '  line 3 pin: associate "new" is new: a pin is required',
    '  line 4 skills: "dance" is not a task kind (fill, putaway, count, review)',
    '  line 5 pin: must be 4-12 digits',
    '  line 5 shift_start: "25:00" is not HH:MM',
    '  line 6 id: "ok" appears twice',
    '  line 6 badge: "B-1" appears twice'
  ])
  roster(dataDir, (a) => t.equal(a.get('ok'), undefined, 'not even the good row'))
  const noCol = join(dir, 'nobadge.csv')
  writeFileSync(noCol, 'id,name\nz,Zed\n')
  const missing = await run('associates', 'import', noCol, ...cfg)
  t.equal(missing.code, 1)
  t.match(missing.errors.join('\n'), /line 1 badge: column "badge" is missing/)
  t.equal((await run('associates', 'list', ...cfg)).code, 2, 'usage for an unknown subcommand')
})
