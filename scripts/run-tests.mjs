#!/usr/bin/env node
// Runs every test file under test/ with Node's own test runner, TypeScript loaded by tsx.
// Node 20's runner does not glob .ts files itself, so the list is built here.
// Usage: node scripts/run-tests.mjs [path-filter ...]
import { readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { spawn } from 'node:child_process'

const root = new URL('..', import.meta.url).pathname
function collect(dir) {
  const out = []
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name)
    if (statSync(full).isDirectory()) out.push(...collect(full))
    else if (name.endsWith('.test.ts')) out.push(relative(root, full))
  }
  return out
}
const filters = process.argv.slice(2)
const files = collect(join(root, 'test')).filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
if (files.length === 0) {
  console.error('no test files matched')
  process.exit(1)
}
const args = [
  '--import',
  'tsx',
  '--import',
  './test/support/setup.ts',
  // A test that hangs fails after 10 minutes, naming itself, instead of running into CI's limit.
  '--test',
  '--test-reporter=spec',
  '--test-concurrency=1',
  '--test-timeout=600000',
  ...files,
]
const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' })
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
