// Serves the LAN panel's built files (edge/web/dist, made by `npm run build`): the page at /panel/,
// its script and styles beside it, / redirecting there. Only the files the build made are served
// (read once at start: no path from the URL reaches the file system). A strict Content Security
// Policy keeps the page to our own scripts and this server.

import type { FastifyInstance } from 'fastify'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { extname, join } from 'node:path'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon'
}

// Inline styles: the chart library and the score bars set element styles.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

export async function panelRoutes (app: FastifyInstance, opts: { dir: string }): Promise<void> {
  const files = new Map<string, { body: Buffer, type: string }>()
  if (existsSync(opts.dir)) {
    for (const name of readdirSync(opts.dir)) {
      const type = TYPES[extname(name)]
      if (type !== undefined) files.set(name, { body: readFileSync(join(opts.dir, name)), type })
    }
  }
  const hide = { schema: { hide: true } }
  app.get('/', hide, async (_req, reply) => reply.redirect('/panel/'))
  app.get('/panel', hide, async (_req, reply) => reply.redirect('/panel/'))
  app.get('/panel/', hide, async (_req, reply) => {
    const page = files.get('index.html')
    if (page === undefined) {
      return reply.status(503).type('text/plain; charset=utf-8').send(`The panel is not built in ${opts.dir}: run \`npm run build\` and restart.\n`)
    }
    return reply.header('content-security-policy', CSP).header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff').type(page.type).send(page.body)
  })
  app.get('/panel/:file', hide, async (req, reply) => {
    const f = files.get((req.params as { file: string }).file)
    if (f === undefined) return reply.status(404).type('text/plain; charset=utf-8').send('not found\n')
    // no-cache: revalidated each load, so an upgraded server's panel is used at once (the LAN is fast).
    return reply.header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff').type(f.type).send(f.body)
  })
}
