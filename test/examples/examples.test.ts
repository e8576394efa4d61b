// Runs every program in examples/ as a user would, against the embedded server, and checks what
// each one stored: an example that stops working, or stores something else, fails here.
import { after, before, beforeEach, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { startTestServer, type TestServer } from '../../src/testing/index.js'
import { ROOT, cleanEnv } from '../cli/run-cli.js'

const run = promisify(execFile)
let server: TestServer
let binDir: string

before(async () => {
  server = await startTestServer()
  // cli.sh calls the installed bin; here it is the CLI from the sources.
  binDir = mkdtempSync(join(tmpdir(), 'examples-bin-'))
  const shim = join(binDir, 'influx-async')
  writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" --import tsx "${join(ROOT, 'src/cli/main.ts')}" "$@"\n`)
  chmodSync(shim, 0o755)
})
after(async () => {
  await server.close()
  rmSync(binDir, { recursive: true, force: true })
})
beforeEach(() => server.reset())

/** The environment of a child process: no INFLUX variables, and not a child of this test runner. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = cleanEnv(extra)
  delete env.NODE_TEST_CONTEXT
  return env
}

function env(): NodeJS.ProcessEnv {
  return childEnv({
    INFLUXDB_V2_URL: server.url,
    INFLUXDB_V2_TOKEN: server.token,
    INFLUXDB_V2_ORG: server.org,
    INFLUX_BUCKET: 'test-bucket',
    PATH: `${binDir}:${process.env.PATH ?? ''}`,
  })
}

async function runExample(file: string): Promise<string> {
  const args = file.endsWith('.sh')
    ? (['bash', [join('examples', file)]] as const)
    : ([process.execPath, ['--import', 'tsx', join('examples', file)]] as const)
  const { stdout } = await run(args[0], [...args[1]], { cwd: ROOT, env: env(), timeout: 120_000 })
  return stdout
}

const rows = (measurement: string) =>
  server.points('test-bucket', { measurement }).map((p) => ({ tags: p.tags, fields: p.fields, time: p.time }))

describe('examples/', () => {
  test('points-and-objects.ts', async () => {
    assert.equal(await runExample('points-and-objects.ts'), 'wrote 5 points\n')
    const t = 1767225600000000000n
    assert.deepEqual(rows('cpu'), [
      { tags: { host: 'a' }, fields: { usage: 12.5, cores: 8n }, time: t },
      { tags: { host: 'b' }, fields: { usage: 40.25, cores: 4n }, time: t },
      { tags: { host: 'c' }, fields: { usage: 3, cores: 2n }, time: t },
      { tags: { host: 'd' }, fields: { usage: 99.5, cores: 16n }, time: t },
    ])
    assert.deepEqual(rows('temperature'), [{ tags: { room: 'kitchen' }, fields: { celsius: 21.5 }, time: t }])
  })

  test('arrow-table.ts', async () => {
    assert.equal(await runExample('arrow-table.ts'), 'wrote 2 rows from Arrow\n')
    assert.deepEqual(rows('h2o'), [
      { tags: { location: 'us-east' }, fields: { water_level: 2.25, readings: 11n }, time: 1767225660000000000n },
      { tags: { location: 'us-west' }, fields: { water_level: 1.5, readings: 10n }, time: 1767225600000000000n },
    ])
  })

  test('polars-table.ts', async () => {
    assert.equal(await runExample('polars-table.ts'), 'wrote 2 rows from Polars\n')
    assert.deepEqual(rows('weather'), [
      { tags: { station: 'north' }, fields: { wind_speed: 4.5, gusts: 12n }, time: 1767225600000000000n },
      { tags: { station: 'south' }, fields: { wind_speed: 7.25, gusts: 19n }, time: 1767225660000000000n },
    ])
  })

  test('batch-writer-stream.ts', async () => {
    assert.equal(await runExample('batch-writer-stream.ts'), 'wrote 100000 lines\n')
    assert.equal(server.count('test-bucket', { measurement: 'vibration' }), 100_000)
    const s3 = server.points('test-bucket', { measurement: 'vibration' }).filter((p) => p.tags.sensor === 's3')
    assert.equal(s3.length, 10_000)
    assert.equal(s3[1].fields.value, Math.sin(13 / 100))
    assert.equal(s3[1].time, 1767225600000000000n + 13n * 1_000_000n)
  })

  test('delete.ts', async () => {
    assert.equal(await runExample('delete.ts'), 'deleted host=a\n')
    assert.deepEqual(rows('cpu'), [{ tags: { host: 'b' }, fields: { usage: 2 }, time: 1767225600000000000n }])
  })

  test('error-handling.ts', async () => {
    const out = (await runExample('error-handling.ts')).split('\n')
    assert.match(out[0], /^RecordError: record \[1\]: .*field/)
    assert.match(out[1], /^InfluxDBError 400: unable to parse 'cpu usage=oops 2'/)
    assert.match(out[2], /^undelivered: 2 lines: /)
    assert.equal(server.count('test-bucket'), 0, 'every write in the example is refused')
  })

  test('cli.sh', async () => {
    await runExample('cli.sh')
    assert.deepEqual(rows('cpu'), [{ tags: { host: 'b' }, fields: { usage: 2.5 }, time: 1767225600000000000n }])
    assert.deepEqual(rows('temperature'), [
      { tags: { room: 'kitchen' }, fields: { celsius: 21.5 }, time: 1767225600000000000n },
    ])
  })

  test('testing/node-test.test.ts passes in node:test', async () => {
    const { stdout } = await run(
      process.execPath,
      // The TAP reporter is named: the default one differs across Node lines when stdout is not a terminal.
      ['--import', 'tsx', '--test', '--test-reporter=tap', 'examples/testing/node-test.test.ts'],
      { cwd: ROOT, env: childEnv() },
    )
    assert.match(stdout, /# pass 2\n/)
    assert.match(stdout, /# fail 0\n/)
  })

  test('testing/vitest.test.ts passes in Vitest', async () => {
    const vitest = join(ROOT, 'node_modules/vitest/vitest.mjs')
    const { stdout } = await run(process.execPath, [vitest, 'run', '--config', 'examples/testing/vitest.config.ts'], {
      cwd: ROOT,
      env: childEnv({ NO_COLOR: '1', CI: 'true' }),
    })
    assert.match(stdout, /Tests\s+1 passed \(1\)/)
  })
})
