// --api, --rp and --consistency: the CLI writes and deletes through InfluxDB 1.x's and 3.x's own
// APIs (the embedded server in those modes), and refuses the flags where they do not apply.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { startTestServer, type TestServer } from '../../src/testing/index.js'
import { runCli, summaryOf } from './run-cli.js'

describe('influx-async --api v1', () => {
  let server: TestServer
  before(async () => {
    server = await startTestServer({ apiVersion: 'v1', buckets: ['db', 'db/short'] })
  })
  after(() => server.close())

  test('write: no --org needed; --rp and --consistency reach /write; us is sent as u', async () => {
    const result = await runCli(
      [
        'write',
        '--host',
        server.url,
        '-t',
        server.token,
        '--api',
        'v1',
        '-b',
        'db',
        '--rp',
        'short',
        '--consistency',
        'one',
        '-p',
        'us',
      ],
      {
        stdin: 'm,host=a v=1 7\n',
      },
    )
    assert.equal(result.stderr, '')
    assert.equal(summaryOf(result.stdout), 'written: 1 points, rejected: 0, <s>, <rate>\n')
    const sent = server.requests.filter((r) => r.path === '/write')
    assert.deepEqual(
      sent.map((r) => r.query),
      [{ db: 'db', rp: 'short', precision: 'u', consistency: 'one' }],
    )
    assert.deepEqual(
      server.points('db/short').map((p) => p.time),
      [7000n],
    )
  })

  test('delete: an InfluxQL DELETE through /query, both ends inclusive', async () => {
    await runCli(['write', '--host', server.url, '-t', server.token, '--api', 'v1', '-b', 'db'], {
      stdin: 'd,host=a v=1 1\nd,host=a v=1 2\nd,host=a v=1 3\n',
    })
    const result = await runCli([
      'delete',
      '--host',
      server.url,
      '-t',
      server.token,
      '--api',
      'v1',
      '-b',
      'db',
      '--start',
      '1970-01-01T00:00:00.000000001Z',
      '--stop',
      '1970-01-01T00:00:00.000000002Z',
      '--predicate',
      '_measurement="d"',
    ])
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(
      server.points('db', { measurement: 'd' }).map((p) => p.time),
      [3n],
    )
    const query = server.requests.filter((r) => r.path === '/query').at(-1)
    assert.equal(
      new URLSearchParams(query?.body).get('q'),
      `DELETE FROM "d" WHERE time >= '1970-01-01T00:00:00.000000001Z' AND time <= '1970-01-01T00:00:00.000000002Z'`,
    )
  })

  test('a wrong --api value, and --rp with --api v2 or v3, are usage errors', async () => {
    for (const args of [
      ['--api', 'v4'],
      ['--api', 'v3', '--rp', 'x'],
      ['--api', 'v2', '-o', 'o', '--consistency', 'all'],
    ]) {
      const result = await runCli(['write', '--host', server.url, '-b', 'db', ...args], { stdin: 'm v=1\n' })
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`)
      assert.match(result.stderr, /--api must be v1, v2, v3 or auto|is for --api v1/)
    }
  })
})

describe('influx-async --api v3 and auto', () => {
  let server: TestServer
  before(async () => {
    server = await startTestServer({ apiVersion: 'v3' })
  })
  after(() => server.close())

  test('write through /api/v3/write_lp; auto finds it; a bad line is reported and the rest written', async () => {
    const result = await runCli(
      ['write', '--host', server.url, '-t', server.token, '--api', 'auto', '-b', 'db3', '-p', 's'],
      {
        stdin: 'm,host=a v=1 1\nm,host=b v= 2\nm,host=c v=3 3\n',
      },
    )
    assert.match(summaryOf(result.stdout), /^written: 2 points, rejected: 1,/)
    assert.deepEqual(
      server.points('db3').map((p) => p.tags.host),
      ['a', 'c'],
    )
    assert.ok(server.requests.every((r) => r.path === '/ping' || r.path === '/api/v3/write_lp'))
    assert.equal(server.requests.filter((r) => r.path === '/ping').length, 1)
  })
})
