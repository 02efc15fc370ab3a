// shellcheck on every shell script of installer/ (the entry points with the libraries they source,
// the libraries on their own, the installed commands). Without shellcheck the test fails under CI
// (.ci/run installs it) and is skipped, saying so, on a developer's machine.

import t from 'tap'
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { have, INSTALLER, tempRoot } from './helpers/run.js'

/** Shell scripts under installer/: *.sh, and files whose first line is a sh or bash shebang. */
function shellScripts (): string[] {
  const out: string[] = []
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name)
      if (e.isDirectory()) {
        if (!['test', 'bundle'].includes(relative(INSTALLER, p))) walk(p)
      } else if (e.name.endsWith('.sh') || /^#!\S*\/(env )?(ba)?sh\b/.test(readFileSync(p, 'utf8').split('\n')[0])) {
        out.push(p)
      }
    }
  }
  walk(INSTALLER)
  return out.sort()
}

function shellcheck (files: string[]): { status: number | null, output: string } {
  const res = spawnSync('shellcheck', ['--external-sources', '--source-path=SCRIPTDIR', ...files], { cwd: INSTALLER, encoding: 'utf8' })
  return { status: res.status, output: res.stdout + res.stderr }
}

const available = have('shellcheck')
if (!available && process.env.CI === undefined) {
  t.test('every script of installer/ passes shellcheck', { skip: 'shellcheck is not installed (apt-get install shellcheck); under CI this fails' }, async () => {})
} else {
  t.test('shellcheck is installed', async (t) => {
    t.ok(available, 'shellcheck on the PATH (.ci/run installs it)')
  })

  t.test('every script of installer/ passes shellcheck', { skip: !available }, async (t) => {
    const files = shellScripts()
    for (const f of ['install.sh', 'uninstall.sh', 'lib/common.sh', 'lib/bundle.sh', 'lib/service.sh', 'lib/edge.sh', 'lib/relay.sh', 'wrapper/store-edge', 'wrapper/cloud-relay']) {
      t.ok(files.includes(join(INSTALLER, f)), `${f} is checked`)
    }
    const res = shellcheck(files)
    t.equal(res.status, 0, res.output)
  })

  t.test('the check does fail on a script mistake', { skip: !available }, async (t) => {
    const dir = tempRoot(t, 'shellcheck')
    const bad = join(dir, 'bad.sh')
    writeFileSync(bad, '#!/usr/bin/env bash\nset -euo pipefail\nfiles=$(ls /tmp)\nrm -rf $files/cache\n')
    const res = shellcheck([bad])
    t.not(res.status, 0)
    t.match(res.output, /SC2086/, 'the unquoted expansion is reported')
  })
}

t.test('the scripts an operator runs are executable', async (t) => {
  for (const f of ['install.sh', 'uninstall.sh']) t.ok((statSync(join(INSTALLER, f)).mode & 0o111) !== 0, f)
})
