// Builds the panel into edge/web/dist: the TypeScript bundled with uPlot into one ES module
// (esbuild), our stylesheet, uPlot's, and the page. Everything the browser loads is ours and local:
// stores often have no internet. `npm run build` runs it; tests call buildPanel() first.

import { build } from 'esbuild'
import { copyFileSync, mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
export const PANEL_DIST = join(here, 'dist')

export async function buildPanel (outDir = PANEL_DIST): Promise<string> {
  mkdirSync(outDir, { recursive: true })
  await build({
    entryPoints: [join(here, 'src', 'main.ts')],
    bundle: true,
    format: 'esm',
    target: ['chrome100', 'firefox100', 'safari15'],
    minify: true,
    sourcemap: true,
    outfile: join(outDir, 'panel.js'),
    logLevel: 'warning'
  })
  const uplotDir = dirname(createRequire(import.meta.url).resolve('uplot'))
  copyFileSync(join(uplotDir, 'uPlot.min.css'), join(outDir, 'uplot.css'))
  copyFileSync(join(here, 'panel.css'), join(outDir, 'panel.css'))
  copyFileSync(join(here, 'index.html'), join(outDir, 'index.html'))
  return outDir
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildPanel()
  process.stdout.write(`panel built into ${PANEL_DIST}\n`)
}
