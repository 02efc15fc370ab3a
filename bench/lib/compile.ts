// The server child (and the relay, compileRelay) runs as plain JavaScript, as `npm run build` would make it: under tsx it would
// carry the TypeScript loader (a second thread and its caches, ~35 MB RSS) into the memory figures.
// The subscriber's worker thread is compiled the same way (tsx does not reach worker threads here).
// Each file is transpiled on its own (TypeScript's transpileModule, no type check, so a type error
// elsewhere in the tree does not stop the bench) into bench/out/.server/, mirroring the tree.

import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import ts from 'typescript'

function tsFiles (dir: string): string[] {
  const out: string[] = []
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) out.push(...tsFiles(p))
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p)
  }
  return out
}

/** Transpiles `files` (under `root`) into `outRoot`, keeping their paths; plain ES modules, no type checks. */
function transpileInto (root: string, outRoot: string, files: string[]): void {
  rmSync(outRoot, { recursive: true, force: true })
  for (const file of files) {
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      fileName: file,
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, sourceMap: false, esModuleInterop: true }
    })
    const dest = join(outRoot, relative(root, file)).replace(/\.ts$/, '.js')
    mkdirSync(dirname(dest), { recursive: true })
    writeFileSync(dest, outputText)
  }
}

/** Transpiles edge/src and bench/; returns the compiled path of a bench/ file by its source path. */
export function compileBench (root: string): (source: string) => string {
  const outRoot = join(root, 'bench', 'out', '.server')
  transpileInto(root, outRoot, [...tsFiles(join(root, 'edge', 'src')), join(root, 'bench', 'server-child.ts'), ...tsFiles(join(root, 'bench', 'lib'))])
  return (source) => join(outRoot, relative(root, source)).replace(/\.ts$/, '.js')
}

/**
 * Transpiles the relay (cloud-relay/src and edge/src/core, the only part of the store it imports) into
 * bench/out/.relay/, as `npm run build` would; returns the compiled `cloud-relay serve` entry.
 */
export function compileRelay (root: string): string {
  const outRoot = join(root, 'bench', 'out', '.relay')
  transpileInto(root, outRoot, [...tsFiles(join(root, 'cloud-relay', 'src')), ...tsFiles(join(root, 'edge', 'src', 'core'))])
  return join(outRoot, 'cloud-relay', 'src', 'cli.js')
}
