// Preloaded (node --import) into a store server the simulator starts. The simulator holds the
// other end of this process's stdin; when that closes, the simulator is gone (finished without
// stop(), killed by a test timeout, SIGKILL), and the server stops as on SIGTERM rather than keep
// its ports and data dir for ever. Nothing else of the server is touched.
//
// Plain JavaScript so it loads the same way in front of the compiled server and the tsx one.

import { rmSync } from 'node:fs'
import { isMainThread } from 'node:worker_threads'

// Worker threads inherit --import; only the main thread has the simulator's stdin.
if (isMainThread) {
  // The simulator's temp data dir goes with the server, however the server ends (stop() removes
  // it too; whichever comes second finds nothing).
  const dir = process.env.SIM_REMOVE_DATA_DIR
  if (dir) process.once('exit', () => rmSync(dir, { recursive: true, force: true }))
  process.stdin.on('data', () => {}) // the simulator writes nothing; reading lets 'end' arrive
  process.stdin.unref() // and the server still exits on its own once it has drained
  process.stdin.once('end', stop)
}

/**
 * SIGTERM the server the way systemd would, once: `store-edge serve` listens for one SIGTERM and
 * a second one kills it outright. No listener means it is not listening yet (still starting) or
 * already shutting down on a signal of its own (a terminal's Ctrl-C, a timeout that signalled
 * the whole process group): look again shortly, without keeping the process alive for it.
 */
function stop () {
  if (process.listenerCount('SIGTERM') > 0) process.kill(process.pid, 'SIGTERM')
  else setTimeout(stop, 500).unref() // milliseconds
}
