// `store-edge profiles check [FILE|DIR]`: an integrator checks a new profile before deploying it.

import t from 'tap'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { SHIPPED_PROFILES_DIR } from '../../src/profiles/loader.js'
import { run, storeDir } from './run.js'

/** A shipped profile, changed by `edit`, written into `dir` under `name`. */
function profileFile (dir: string, name: string, edit: (p: Record<string, any>) => void): string {
  const profile = JSON.parse(readFileSync(join(SHIPPED_PROFILES_DIR, 'pos-sales-feed.json'), 'utf8'))
  profile.id = name
  edit(profile)
  const file = join(dir, `${name}.json`)
  writeFileSync(file, JSON.stringify(profile, null, 2))
  return file
}

t.test('the shipped profiles check out: exit 0', async (t) => {
  const res = await run('profiles', 'check')
  t.equal(res.code, 0)
  t.same(res.lines, [`${SHIPPED_PROFILES_DIR}: ok`])
  t.same(res.errors, [])
  const one = await run('profiles', 'check', join(SHIPPED_PROFILES_DIR, 'serial-barcode-scanner.json'))
  t.equal(one.code, 0, 'one file at a time as well')
})

t.test('a broken profile exits 1, naming the file and the field', async (t) => {
  const { dir } = storeDir(t)
  const file = profileFile(dir, 'broken-pos', (p) => { p.transport = 'pigeon'; p.heartbeatS = 'thirty' })
  const res = await run('profiles', 'check', file)
  t.equal(res.code, 1)
  t.same(res.lines, [])
  t.match(res.errors, [
    `${file}: /transport: "pigeon" is not one of "mqtt", "serial"`,
    `${file}: /heartbeatS: must be integer, not "thirty"`
  ])
})

t.test('an unknown codec and a fixture that decodes to something else are named too', async (t) => {
  const { dir } = storeDir(t)
  const codec = profileFile(dir, 'bad-codec', (p) => { p.streams[0].events.fields.qty.codec = 'absolute' })
  const fixture = profileFile(dir, 'bad-fixture', (p) => { p.fixtures[0].expect[0].qty = 3 })
  const res = await run('profiles', 'check', dir)
  t.equal(res.code, 1)
  t.match(res.errors.join('\n'), `${codec}: /streams/0/events/fields/qty/codec: unknown codec "absolute"`)
  t.match(res.errors.join('\n'), new RegExp(`^${fixture}: /fixtures/0: fixture "a basket of two lines is two sales"`, 'm'))

  const json = await run('profiles', 'check', '--json', codec)
  t.equal(json.code, 1)
  t.match(JSON.parse(json.lines[0]), { path: codec, ok: false, problems: [{ file: codec, pointer: '/streams/0/events/fields/qty/codec' }] })
})

t.test('two files with one id, a file that is not JSON, a path that does not exist', async (t) => {
  const { dir } = storeDir(t)
  profileFile(dir, 'twin', () => {})
  const copy = join(dir, 'twin-copy.json')
  writeFileSync(copy, readFileSync(join(dir, 'twin.json')))
  const dup = await run('profiles', 'check', dir)
  t.equal(dup.code, 1)
  t.match(dup.errors.join('\n'), /twin\.json: \/id: duplicate profile id "twin"/)

  const notJson = join(dir, 'not-json.json')
  writeFileSync(notJson, '{ "id": "x", ')
  const bad = await run('profiles', 'check', notJson)
  t.equal(bad.code, 1)
  t.match(bad.errors[0], `${notJson}: is not valid JSON`)

  const missing = await run('profiles', 'check', join(dir, 'nope.json'))
  t.equal(missing.code, 1)
  t.match(missing.errors[0], /nope\.json: cannot be read/)

  t.equal((await run('profiles', 'lint')).code, 2, 'an unknown subcommand is a usage error')
})
