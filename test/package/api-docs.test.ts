// `npm run docs` must keep working: TypeDoc reads the public entries' TSDoc with warnings as errors, including a
// missing comment on any exported declaration or property and a link to something not exported (typedoc.json).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

test('TypeDoc documents every public declaration without a warning', async () => {
  const root = new URL('../../', import.meta.url).pathname
  const result = await promisify(execFile)(process.execPath, ['node_modules/typedoc/bin/typedoc', '--emit', 'none'], {
    cwd: root,
    maxBuffer: 16 << 20,
  })
    .then(({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }))
    .catch((e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, output: e.stdout + e.stderr }))
  assert.equal(result.code, 0, result.output)
  assert.doesNotMatch(result.output, /warning|error/i)
})
