// The installer's bash library (installer/lib), function by function, as install.sh and upgrade.sh
// use it: sourced into a bash with `set -euo pipefail`, against a temporary root.

import t from 'tap'
import { spawnSync } from 'node:child_process'
import { mkdirSync, readlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { INSTALLER, tempRoot } from './helpers/run.js'

/** Runs `body` in bash after sourcing the library, with SE_* paths for `root`. */
function lib (root: string, body: string, env: Record<string, string> = {}): { code: number | null, stdout: string, stderr: string } {
  const script = `set -euo pipefail
SE_PROG=lib-test SE_USAGE=usage SE_LIB=${INSTALLER}/lib
. "$SE_LIB/common.sh"; . "$SE_LIB/bundle.sh"; . "$SE_LIB/service.sh"
se_init_paths '${root}' /opt/store-edge
${body}`
  const res = spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { ...process.env, ...env } })
  return { code: res.status, stdout: res.stdout, stderr: res.stderr }
}

t.test('se_switch_link points a link at a release, relatively, and only when it changes', async (t) => {
  const root = tempRoot(t, 'lib')
  for (const v of ['1.0.0', '1.1.0']) mkdirSync(join(root, 'opt/store-edge/releases', v), { recursive: true })
  const res = lib(root, 'se_switch_link current 1.0.0; se_switch_link previous 1.0.0; se_switch_link current 1.1.0; se_switch_link current 1.1.0; echo "changes=$SE_CHANGES"; echo "current=$(se_link_target current) previous=$(se_link_target previous)"')
  t.equal(res.code, 0, res.stderr)
  t.match(res.stdout, /changes=3\n/, 'the second switch to 1.1.0 changes nothing')
  t.match(res.stdout, 'current=1.1.0 previous=1.0.0')
  t.equal(readlinkSync(join(root, 'opt/store-edge/current')), 'releases/1.1.0')
  const missing = lib(root, 'se_switch_link current 9.9.9')
  t.equal(missing.code, 1)
  t.match(missing.stderr, /cannot point current at releases\/9\.9\.9: no such release/)
  t.equal(readlinkSync(join(root, 'opt/store-edge/current')), 'releases/1.1.0', 'left as it was')
  t.equal(lib(root, 'echo "[$(se_link_target nothing)]"').stdout, '[]\n', 'no link: an empty answer')
})

t.test('se_version_ge orders versions as numbers', async (t) => {
  const res = lib(tempRoot(t, 'lib'), `for p in "0.10.0 0.9.0" "1.0.0 1.0.0" "0.9.0 0.10.0" "2.0.0 10.0.0"; do
  set -- $p; if se_version_ge "$1" "$2"; then echo "$1>=$2"; else echo "$1<$2"; fi; done`)
  t.equal(res.stdout, '0.10.0>=0.9.0\n1.0.0>=1.0.0\n0.9.0<0.10.0\n2.0.0<10.0.0\n')
})

t.test('se_render fills the placeholders and refuses a template with one it does not know', async (t) => {
  const root = tempRoot(t, 'lib')
  writeFileSync(join(root, 'good.in'), 'ExecStart=@PREFIX@/current/node/bin/node\nUser=@USER@\nTimeoutStopSec=@STOP_TIMEOUT_S@\n')
  writeFileSync(join(root, 'bad.in'), 'ExecStart=@PREFIX@/x @SOMETHING_NEW@\n')
  const good = lib(root, `SE_STOP_TIMEOUT_S=65 se_render ${root}/good.in`)
  t.equal(good.stdout, 'ExecStart=/opt/store-edge/current/node/bin/node\nUser=store-edge\nTimeoutStopSec=65\n')
  const bad = lib(root, `se_render ${root}/bad.in`)
  t.equal(bad.code, 1)
  t.match(bad.stderr, /template \S+bad\.in has a placeholder the installer does not fill/)
})

t.test('se_release_node links this machine\'s Node.js into a bundle built without one, if its ABI matches', async (t) => {
  const root = tempRoot(t, 'lib')
  const release = join(root, 'release')
  mkdirSync(release)
  const wrong = lib(root, `SE_B_VERSION=1.0.0 SE_B_NODE=v20.0.0 SE_B_NODE_ABI=1; se_release_node ${release}`)
  t.equal(wrong.code, 1)
  t.match(wrong.stderr, `was built with Node.js v20.0.0 (module ABI 1); `)
  t.match(wrong.stderr, `(ABI ${process.versions.modules}): its native addons would not load`)
  const none = lib(root, `SE_B_VERSION=1.0.0 SE_B_NODE=v20.0.0 SE_B_NODE_ABI=1; PATH=/nonexistent; se_release_node ${release}`)
  t.equal(none.code, 1)
  t.match(none.stderr, /carries no Node\.js and this machine has none: install Node\.js v20 /)
  const ok = lib(root, `SE_B_VERSION=1.0.0 SE_B_NODE=${process.version} SE_B_NODE_ABI=${process.versions.modules}; se_release_node ${release}`)
  t.equal(ok.code, 0, ok.stderr)
  t.equal(readlinkSync(join(release, 'node/bin/node')), spawnSync('sh', ['-c', 'command -v node'], { encoding: 'utf8' }).stdout.trim())
})

t.test('se_install_file writes only what differs, and says what it did', async (t) => {
  const root = tempRoot(t, 'lib')
  writeFileSync(join(root, 'src'), 'v1\n')
  const res = lib(root, `se_install_file ${root}/src /etc/x/file 0640; se_install_file ${root}/src /etc/x/file 0640; echo "changes=$SE_CHANGES"
printf 'v2\\n' > ${root}/src; se_install_file ${root}/src /etc/x/file 0640; echo "changes=$SE_CHANGES"`)
  t.equal(res.code, 0, res.stderr)
  t.equal(res.stdout, '  created /etc/x/file\nchanges=1\n  updated /etc/x/file\nchanges=2\n')
})

t.test('se_systemctl calls STORE_EDGE_SYSTEMCTL when set', async (t) => {
  const root = tempRoot(t, 'lib')
  writeFileSync(join(root, 'fake'), '#!/bin/sh\necho "fake: $*"\n', { mode: 0o755 })
  const res = lib(root, 'se_systemctl restart store-edge.service; echo "services=$SE_SERVICES system=$SE_SYSTEM"', { STORE_EDGE_SYSTEMCTL: join(root, 'fake') })
  t.equal(res.stdout, 'fake: restart store-edge.service\nservices=1 system=0\n')
})
