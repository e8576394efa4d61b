#!/usr/bin/env node
// Fails when a module under src/ imports from a layer above its own, or when imports form a cycle.
// The layers, and the only edges allowed between them, are written once, in LAYERS below.
// Usage: node scripts/check-layers.mjs [--graph]   (--graph prints the layer-to-layer edges in use)
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

/**
 * Each layer, the paths under src/ that belong to it (a folder ends with '/'), and the layers it may import.
 * A layer never imports one above it: data flows line-protocol → records → http → write/delete → client →
 * cli/testing/compat (design.md §1).
 */
const LAYERS = {
  base: { paths: ['errors.ts', 'map-anchors.ts', 'defaults.ts', 'own-keys.ts', 'builtin-module.ts'], imports: [] },
  'line-protocol': { paths: ['line-protocol/'], imports: ['base'] },
  records: { paths: ['records/'], imports: ['base', 'line-protocol'] },
  http: { paths: ['http/'], imports: ['base', 'line-protocol'] },
  spool: { paths: ['spool/'], imports: ['base', 'line-protocol', 'http'] },
  write: { paths: ['write/'], imports: ['base', 'line-protocol', 'records', 'http', 'spool'] },
  delete: { paths: ['delete/'], imports: ['base', 'line-protocol', 'http'] },
  client: {
    paths: ['client.ts', 'options.ts', 'config/', 'index.ts'],
    imports: ['base', 'line-protocol', 'records', 'http', 'write', 'delete', 'spool'],
  },
  compat: { paths: ['compat/'], imports: ['base', 'line-protocol', 'records', 'http', 'write', 'delete', 'client'] },
  testing: {
    paths: ['testing/'],
    imports: ['base', 'line-protocol', 'records', 'http', 'write', 'delete', 'client'],
  },
  cli: {
    paths: ['cli/'],
    imports: ['base', 'line-protocol', 'records', 'http', 'write', 'delete', 'client', 'spool', 'testing'],
  },
}

const root = resolve(dirname(new URL(import.meta.url).pathname), '..')
const src = join(root, 'src')

function layerOf(file) {
  const rel = relative(src, file)
  let best
  for (const [name, layer] of Object.entries(LAYERS)) {
    for (const p of layer.paths) {
      const hit = p.endsWith('/') ? rel.startsWith(p) : rel === p
      if (hit && (!best || p.length > best.length)) best = { name, length: p.length }
    }
  }
  return best?.name
}

function collect(dir) {
  const out = []
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name)
    if (statSync(full).isDirectory()) out.push(...collect(full))
    else if (name.endsWith('.ts')) out.push(full)
  }
  return out
}

// Static `import … from`, `export … from`, side-effect `import '…'` and dynamic `import('…')` of relative paths.
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)'(\.{1,2}\/[^']+)'/g

function importsOf(file) {
  const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '')
  const out = new Set()
  for (const m of text.matchAll(IMPORT)) out.add(resolve(dirname(file), m[1].replace(/\.js$/, '.ts')))
  return [...out]
}

const files = collect(src)
const graph = new Map(files.map((f) => [f, importsOf(f)]))
const problems = []
const layerEdges = new Map()

for (const [from, targets] of graph) {
  const fromLayer = layerOf(from)
  if (!fromLayer)
    problems.push(`${relative(root, from)}: in no layer (add its path to LAYERS in scripts/check-layers.mjs)`)
  for (const to of targets) {
    if (!graph.has(to)) {
      problems.push(`${relative(root, from)}: imports ${relative(root, to)}, which is not a source file`)
      continue
    }
    const toLayer = layerOf(to)
    if (!fromLayer || !toLayer || fromLayer === toLayer) continue
    const key = `${fromLayer} → ${toLayer}`
    layerEdges.set(key, (layerEdges.get(key) ?? 0) + 1)
    if (!LAYERS[fromLayer].imports.includes(toLayer)) {
      problems.push(
        `${relative(root, from)} (${fromLayer}) imports ${relative(root, to)} (${toLayer}): not an allowed edge`,
      )
    }
  }
}

// Cycles: Tarjan's strongly connected components over the file graph; any component of more than one file,
// or a file importing itself, is a cycle.
let index = 0
const stack = []
const state = new Map()
const cycles = []
function connect(v) {
  const s = { index, low: index, onStack: true }
  index++
  state.set(v, s)
  stack.push(v)
  for (const w of graph.get(v) ?? []) {
    if (!graph.has(w)) continue
    const t = state.get(w)
    if (!t) {
      connect(w)
      s.low = Math.min(s.low, state.get(w).low)
    } else if (t.onStack) s.low = Math.min(s.low, t.index)
  }
  if (s.low === s.index) {
    const component = []
    let w
    do {
      w = stack.pop()
      state.get(w).onStack = false
      component.push(w)
    } while (w !== v)
    if (component.length > 1 || graph.get(v).includes(v)) cycles.push(component)
  }
}
for (const f of files) if (!state.has(f)) connect(f)
for (const c of cycles)
  problems.push(
    `import cycle: ${c
      .map((f) => relative(root, f))
      .sort()
      .join(' ↔ ')}`,
  )

if (process.argv.includes('--graph')) {
  for (const [edge, n] of [...layerEdges].sort()) console.log(`${edge} (${n})`)
}
if (problems.length > 0) {
  for (const p of problems) console.error(p)
  console.error(
    `\n${problems.length} layering problem(s); the layers and allowed edges are in scripts/check-layers.mjs`,
  )
  process.exit(1)
}
console.log(`layers: ${files.length} modules, no upward import, no cycle`)
