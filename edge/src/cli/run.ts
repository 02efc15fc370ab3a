// The process entry of the `store-edge` command: bin/store-edge.js loads the compiled copy of this
// file; tests run the TypeScript source with tsx. Exit codes: 0 ok, 1 failed, 2 usage.

import { main } from './main.js'

// `store-edge devices list | head` closes our stdout early: that is the reader's choice, not a
// failure worth a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0)
  throw err
})

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code
}, (err: Error) => {
  process.stderr.write(`store-edge: ${err?.stack ?? String(err)}\n`)
  process.exitCode = 1
})
