// The store's config file for the installer, run with the bundle's own Node.js (the box has no jq):
//   node config.mjs ensure FILE DEFAULTS_JSON [ASKED_JSON]
//     FILE missing: written from DEFAULTS_JSON plus a generated adminToken.
//     FILE there: never rewritten in what it holds; only keys it lacks are added (adminToken too, a
//     newer installer's keys). A key asked for on the command line (ASKED_JSON) whose value the file
//     keeps different gets a warning on stderr. One line per change on stdout.
//   node config.mjs get FILE KEY [DEFAULT]
//     the key's value (JSON for non-strings), or DEFAULT when absent.
// Written as a temporary file renamed over FILE, mode 0640 (ownership is the shell's job). Plain
// JavaScript: it runs on the box, where there is no TypeScript loader.

import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'

function fail (message, status = 1) {
  process.stderr.write(`config: ${message}\n`)
  process.exit(status)
}

function read (file) {
  let parsed
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    fail(`${file} cannot be read as JSON (${err.message}); it is left as it is: fix it by hand`)
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) fail(`${file} must hold a JSON object; it is left as it is: fix it by hand`)
  return parsed
}

function write (file, value) {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`)
  writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n', { mode: 0o640 })
  chmodSync(tmp, 0o640)
  renameSync(tmp, file)
}

function ensure (file, defaults, asked) {
  const wanted = { ...defaults, adminToken: null }
  if (!existsSync(file)) {
    // A generated secret: 32 random bytes as 64 hex characters (the server wants 16 or more).
    write(file, { ...defaults, adminToken: randomBytes(32).toString('hex') })
    process.stdout.write(`created ${file} (storeId ${defaults.storeId}, a generated adminToken)\n`)
    return
  }
  const current = read(file)
  const added = []
  for (const key of Object.keys(wanted)) {
    if (Object.hasOwn(current, key)) continue
    current[key] = key === 'adminToken' ? randomBytes(32).toString('hex') : wanted[key]
    added.push(key)
  }
  for (const [key, value] of Object.entries(asked)) {
    if (Object.hasOwn(current, key) && !added.includes(key) && JSON.stringify(current[key]) !== JSON.stringify(value)) {
      process.stderr.write(`config: ${file} keeps ${key} ${JSON.stringify(current[key])} (asked ${JSON.stringify(value)}): an existing config is never overwritten; edit it and restart store-edge to change it\n`)
    }
  }
  if (added.length > 0) {
    write(file, current)
    process.stdout.write(`added ${added.join(', ')} to ${file}\n`)
  }
}

const [command, file, ...rest] = process.argv.slice(2)
if (command === 'ensure' && file !== undefined && rest[0] !== undefined) {
  ensure(file, JSON.parse(rest[0]), JSON.parse(rest[1] ?? '{}'))
} else if (command === 'get' && file !== undefined && rest[0] !== undefined) {
  const value = existsSync(file) ? read(file)[rest[0]] : undefined
  if (value === undefined) process.stdout.write(`${rest[1] ?? ''}\n`)
  else process.stdout.write(`${typeof value === 'string' ? value : JSON.stringify(value)}\n`)
} else {
  fail('usage: config.mjs ensure FILE DEFAULTS_JSON [ASKED_JSON] | get FILE KEY [DEFAULT]', 2)
}
