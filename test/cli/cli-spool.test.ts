// `influx-async write --spool DIR`: an import killed while the server is down, run again with the
// same DIR, ends with every line on the server; what the killed run spooled is sent even when
// the second run has no input of its own.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { startTestServer, type TestServer } from '../../src/testing/index.js'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { runCli, spawnCli } from './run-cli.js'
import { useCliServer } from './server-fixture.js'
import { waitFor } from '../support/wait.js'

const fixture = useCliServer('spool-bucket', 'spool')
const LINES = 20_000

function input(): string {
  const lines: string[] = []
  for (let i = 0; i < LINES; i++) lines.push(`imp,k=v${i % 5} n=${i}i ${i}`)
  return `${lines.join('\n')}\n`
}

/** The test server answering /ping and refusing every write with 503. */
async function downServer(): Promise<TestServer> {
  const server = await startTestServer()
  server.respondWith((request) =>
    request.path === '/ping'
      ? {}
      : {
          status: 503,
          headers: { 'content-type': 'application/json' },
          body: '{"code":"unavailable","message":"down"}',
        },
  )
  return server
}

function spooledBytes(dir: string): number {
  if (!existsSync(dir)) return 0
  return readdirSync(dir)
    .filter((n) => n.startsWith('segment-'))
    .reduce((n, name) => n + statSync(join(dir, name)).size, 0)
}

/** Runs the import against a server that is down and kills it with SIGKILL once lines are spooled. */
async function killedRun(spool: string, file: string): Promise<void> {
  const down = await downServer()
  try {
    const connection = ['--host', down.url, '--token', 't', '--org', fixture.server.org, '--bucket', 'spool-bucket']
    const child = spawnCli(['write', ...connection, '--spool', spool, '--batch-size', '1000', file])
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal)),
    )
    await waitFor(() => spooledBytes(spool) > 100_000, 'lines in the spool', 60_000)
    child.kill('SIGKILL')
    assert.equal(await exited, 'SIGKILL')
  } finally {
    await down.close()
  }
}

function storedNumbers(): number[] {
  return fixture.server.points('spool-bucket').map((p) => {
    assert.equal(p.fields.n, p.time, 'each point exact')
    return Number(p.time)
  })
}

describe('influx-async write --spool', () => {
  test('killed during an outage, run again: the server ends up with every line', async () => {
    const spool = join(fixture.dir, 'spool-a')
    const file = await fixture.file('import.lp', input())
    await killedRun(spool, file)
    const rerun = await runCli(['write', ...fixture.connection(), '--spool', spool, '--batch-size', '1000', file])
    assert.equal(rerun.code, 0, rerun.stderr)
    const stored = storedNumbers()
    assert.equal(stored.length, LINES)
    assert.deepEqual(readdirSync(spool), [], 'the spool is empty and removed')
  })

  test('what the killed run spooled is delivered by the next run, even one with no input of its own', async () => {
    const spool = join(fixture.dir, 'spool-b')
    const file = await fixture.file('import-b.lp', input())
    await killedRun(spool, file)
    const rerun = await runCli(['write', ...fixture.connection(), '--spool', spool], { stdin: '' })
    assert.equal(rerun.code, 0, rerun.stderr)
    const stored = storedNumbers().sort((a, b) => a - b)
    assert.ok(stored.length > 1000, `${stored.length} stored`)
    // Oldest first, nothing skipped: the spool held a prefix of the input.
    assert.deepEqual(
      stored,
      Array.from({ length: stored.length }, (_, i) => i),
    )
  })
})
