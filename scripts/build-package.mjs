#!/usr/bin/env node
// Runs after tsc (npm run build): adds the CommonJS face of the package to dist/.
// The code stays ES modules; each public entry gets a .cjs file that loads it with require(esm) (Node 22.12+), so a
// CommonJS and an ES-module importer share one copy of every class. TypeScript in a CommonJS project (node16/nodenext)
// needs declarations in CommonJS form for the require condition, so every .d.ts is copied to a .d.cts whose relative
// specifiers name the .cjs twin.
import { readdirSync, readFileSync, writeFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

const dist = new URL('../dist/', import.meta.url).pathname
const entries = ['index', 'testing/index', 'compat/index']

function declarationFiles(dir) {
  const out = []
  for (const name of readdirSync(dir)) {
    const full = join(dir, name)
    if (statSync(full).isDirectory()) out.push(...declarationFiles(full))
    else if (name.endsWith('.d.ts')) out.push(full)
  }
  return out
}

// './x.js' and '../y/index.js' in import/export/import() specifiers; bare package names are left alone.
const relativeJs = /((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]*?)\.js(['"])/g

for (const file of declarationFiles(dist)) {
  const text = readFileSync(file, 'utf8').replace(relativeJs, '$1$2.cjs$3')
  writeFileSync(file.slice(0, -'.d.ts'.length) + '.d.cts', text.replace(/\/\/# sourceMappingURL=.*$/m, ''))
}
for (const entry of entries) {
  const base = entry.split('/').pop()
  writeFileSync(
    join(dist, `${entry}.cjs`),
    `'use strict'\n// CommonJS entry: the ES module itself, loaded with require(esm), so both module kinds share one copy.\nmodule.exports = require('./${base}.js')\n`,
  )
}
