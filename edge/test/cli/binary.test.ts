// The installed command: `node bin/store-edge.js` runs the compiled CLI from dist/ (npm ci builds it
// through the prepare script; this test builds it when it is missing).

import t from 'tap'
import { execFile } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { projectRoot } from '../../src/core/version.js'
import { SHIPPED_PROFILES_DIR } from '../../src/profiles/loader.js'
import { storeDir } from './run.js'

const root = projectRoot()
const bin = join(root, 'bin', 'store-edge.js')
// The compiled module bin/store-edge.js loads, e.g. ../dist/edge/src/cli/run.js.
const compiledEntry = join(root, 'bin', /['"](\.\.\/dist\/[^'"]+\.js)['"]/.exec(readFileSync(bin, 'utf8'))![1])

interface Exit { code: number | null, stdout: string, stderr: string }

function exec (file: string, args: string[], timeout = 120_000): Promise<Exit> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: root, timeout, env: { ...process.env, EDGE_CONFIG: '' } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr })
    })
  })
}

t.before(async () => {
  if (existsSync(compiledEntry)) return
  // tsc also reports type errors elsewhere in the tree while still writing dist/; what matters
  // here is that the CLI was compiled.
  const build = await exec(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')])
  if (!existsSync(compiledEntry)) throw new Error(`the build did not produce ${compiledEntry}:\n${build.stdout}${build.stderr}`)
})

t.test('store-edge profiles check on the shipped profiles exits 0', async (t) => {
  const res = await exec(process.execPath, [bin, 'profiles', 'check'])
  t.equal(res.code, 0, res.stderr)
  t.equal(res.stdout.trim(), `${SHIPPED_PROFILES_DIR}: ok`)
})

t.test('store-edge profiles check on a broken profile exits 1 naming file and field', async (t) => {
  const { dir } = storeDir(t)
  const profile = JSON.parse(readFileSync(join(SHIPPED_PROFILES_DIR, 'shelf-load-cell.json'), 'utf8'))
  delete profile.heartbeatS
  const file = join(dir, 'load-cell.json')
  writeFileSync(file, JSON.stringify(profile))
  const res = await exec(process.execPath, [bin, 'profiles', 'check', file])
  t.equal(res.code, 1)
  t.match(res.stderr, `${file}: `)
  t.match(res.stderr, /heartbeatS/)
})

t.test('store-edge with an unknown command exits 2 with the usage', async (t) => {
  const res = await exec(process.execPath, [bin, 'frobnicate'])
  t.equal(res.code, 2)
  t.match(res.stderr, /unknown command "frobnicate"/)
  t.match(res.stderr, /usage: store-edge/)
})
