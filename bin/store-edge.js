#!/usr/bin/env node
// Operator command line. Runs the compiled server (npm ci builds dist/ through the prepare script).
import { main } from '../dist/edge/src/cli/main.js'

main(process.argv.slice(2)).then((code) => {
  if (typeof code === 'number') process.exitCode = code
}, (err) => {
  process.stderr.write(`store-edge: ${err && err.message ? err.message : err}\n`)
  process.exitCode = 1
})
