// The spool in Bun and Deno as in Node: test/runtimes/entries/spool.ts bundled and run in each,
// on a directory of its own; each must report the same.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { BUN, DENO, bundle, needRuntime, runToEnd, tempDir } from '../runtimes/harness.js'

const EXPECTED = {
  spooled: 3000,
  lock: 'SpoolLockedError naming this pid',
  recoveredLines: 2500,
  tornTails: 1,
  stored: 2510,
  exact: true,
  left: [],
}

describe('the spool in Node, Bun and Deno', () => {
  let work: Awaited<ReturnType<typeof tempDir>>
  let script: string
  before(async () => {
    work = await tempDir()
    script = await bundle('spool', work.dir)
  })
  after(async () => {
    await work.remove()
  })

  const run = async (command: string, args: readonly string[]): Promise<unknown> => {
    const dir = mkdtempSync(join(work.dir, 'spool-'))
    try {
      const output = await runToEnd(command, [...args, script, join(dir, 'spool')], 120_000)
      return JSON.parse(output.trim().split('\n').at(-1) ?? '')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }

  test('Node', async () => {
    assert.deepEqual(await run(process.execPath, []), EXPECTED)
  })
  test('Bun', needRuntime(BUN), async () => {
    assert.deepEqual(await run(BUN.binary, ['run']), EXPECTED)
  })
  test('Deno', needRuntime(DENO), async () => {
    assert.deepEqual(await run(DENO.binary, ['run', '-A', '--no-prompt']), EXPECTED)
  })
})
