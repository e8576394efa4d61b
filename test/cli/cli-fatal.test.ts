// A fatal answer (wrong token, missing permission, unknown bucket or org, no server after the
// retry budget) stops `write` at once with one line naming the cause, the fix and what was
// acknowledged before it. Lines that were never written for such a reason are counted as not
// written and kept out of the errors file, which holds only lines refused for their content.
import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { startTestServer, type TestReply, type TestServer } from '../../src/testing/index.js'
import { runCli, spawnCli } from './run-cli.js'
import { waitFor } from '../support/wait.js'
import { useCliServer } from './server-fixture.js'

const BUCKET = 'fatal-bucket'
const cli = useCliServer(BUCKET, 'fatal')

function lines(count: number, from = 0): string {
  return Array.from({ length: count }, (_, i) => `m v=${i + from} ${i + from + 1}\n`).join('')
}

const firstLine = (text: string): string => text.split('\n')[0]

describe('a fatal answer stops the write with one line (exit 1)', () => {
  test('a wrong token: one line, no rejections listed, the errors file stays empty', async () => {
    const errors = join(cli.dir, 'token.err')
    const result = await runCli(
      [
        'write',
        '--host',
        cli.server.url,
        '--token',
        'wrong',
        '--org',
        cli.server.org,
        '-b',
        BUCKET,
        '--batch-size',
        '100',
        '--errors-file',
        errors,
      ],
      { stdin: lines(2000) },
    )
    assert.equal(result.code, 1)
    assert.equal(result.stdout, '')
    assert.equal(
      result.stderr,
      'influx-async: 401 unauthorized: check --token / INFLUX_TOKEN (write stopped: 0 point(s) acknowledged before it, 2000 read and not written)\n',
    )
    assert.equal(await readFile(errors, 'utf8'), '')
    assert.deepEqual(cli.held(), [])
  })

  test('a wrong token, all input read: every line handed over is counted as not written', async () => {
    const result = await runCli(
      ['write', '--host', cli.server.url, '--token', 'wrong', '--org', cli.server.org, '-b', BUCKET],
      { stdin: lines(3) },
    )
    assert.equal(result.code, 1)
    assert.equal(
      result.stderr,
      'influx-async: 401 unauthorized: check --token / INFLUX_TOKEN (write stopped: 0 point(s) acknowledged before it, 3 read and not written)\n',
    )
  })

  test('an unknown bucket names --bucket', async () => {
    const result = await runCli(
      ['write', '--host', cli.server.url, '--token', cli.server.token, '--org', cli.server.org, '-b', 'nope'],
      { stdin: lines(2) },
    )
    assert.equal(result.code, 1)
    assert.equal(
      firstLine(result.stderr),
      'influx-async: 404 not found: bucket "nope" not found: check --bucket / --bucket-id / INFLUX_BUCKET (write stopped: 0 point(s) acknowledged before it, 2 read and not written)',
    )
  })

  test('an unknown org names --org', async () => {
    const result = await runCli(
      ['write', '--host', cli.server.url, '--token', cli.server.token, '--org', 'no-org', '-b', BUCKET],
      { stdin: lines(2) },
    )
    assert.equal(result.code, 1)
    assert.equal(
      firstLine(result.stderr),
      'influx-async: 404 not found: organization name "no-org" not found: check --org / --org-id / INFLUX_ORG (write stopped: 0 point(s) acknowledged before it, 2 read and not written)',
    )
  })

  test('a server that goes away after the first batches: the retry budget, then one line with what was acknowledged', async () => {
    // The test decides when the server goes away: once it has acknowledged the first 20 lines,
    // which are all the CLI was given until then, however they were batched.
    let acknowledged = 0
    let gone = false
    const fake = await startFakeServer((body) => {
      if (gone) return { drop: true }
      acknowledged += body.split('\n').filter((line) => line !== '').length
      return reply(204)
    })
    try {
      const errors = join(cli.dir, 'dropped.err')
      const child = spawnCli([
        'write',
        '--host',
        fake.url,
        '--token',
        't',
        '--org',
        'o',
        '-b',
        'b',
        '--batch-size',
        '10',
        '--max-retry-time',
        '300',
        '--errors-file',
        errors,
      ])
      let stderr = ''
      child.stderr?.setEncoding('utf8').on('data', (text: string) => {
        stderr += text
      })
      const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)))
      child.stdin?.write(lines(20))
      await waitFor(() => acknowledged === 20, 'the first 20 lines acknowledged', 30_000)
      gone = true
      child.stdin?.end(lines(30, 20))
      assert.equal(await exited, 1)
      assert.equal(acknowledged, 20)
      assert.equal(
        firstLine(stderr),
        `influx-async: cannot reach ${fake.url}: ECONNRESET (is the server running? check --host / INFLUX_HOST) (write stopped: 20 point(s) acknowledged before it, 30 read and not written)`,
      )
      assert.equal(await readFile(errors, 'utf8'), '')
    } finally {
      await fake.close()
    }
  })
})

describe('refused lines and a fatal answer in one run', () => {
  test('the errors file holds the content refusals with their reasons, never the lines the fatal answer stopped', async () => {
    const fake = await startFakeServer((body) => {
      if (body.includes('bad')) return reply(400, { code: 'invalid', message: "unable to parse 'bad': missing fields" })
      if (body.includes('stop='))
        return { ...reply(401, { code: 'unauthorized', message: 'unauthorized access' }), delayMs: 100 }
      return reply(204)
    })
    try {
      const errors = join(cli.dir, 'mixed.err')
      const result = await runCli(
        [
          'write',
          '--host',
          fake.url,
          '--token',
          't',
          '--org',
          'o',
          '-b',
          'b',
          '--batch-size',
          '2',
          '--errors-file',
          errors,
        ],
        { stdin: 'm v=1 1\nbad\nm,stop=1 v=2 2\nm v=3 3\n' },
      )
      assert.equal(result.code, 1)
      assert.equal(
        result.stderr,
        [
          'influx-async: 401 unauthorized: check --token / INFLUX_TOKEN (write stopped: 1 point(s) acknowledged before it, 2 read and not written)',
          `refused lines and reasons are in ${errors}`,
          '',
        ].join('\n'),
      )
      assert.equal(await readFile(errors, 'utf8'), '# server: missing fields\nbad\n')
    } finally {
      await fake.close()
    }
  })
})

describe('exit codes', () => {
  test('every point refused, none written: exit 1, not 3', async () => {
    const result = await runCli(['write', ...cli.connection()], { stdin: 'bad\nworse x\n' })
    assert.equal(result.code, 1)
    assert.equal(firstLine(result.stderr), 'rejected server: missing fields')
    assert.equal(result.stderr.split('\n').at(-2), 'influx-async: nothing written: all 2 point(s) were refused')
  })

  test('some written and some refused: exit 3', async () => {
    const result = await runCli(['write', ...cli.connection()], { stdin: 'm v=1 1\nbad\n' })
    assert.equal(result.code, 3)
  })
})

/** The test server answering /ping with 204 and every other request as `onWrite` says, given the body. */
async function startFakeServer(onWrite: (body: string) => TestReply): Promise<TestServer> {
  const server = await startTestServer()
  server.respondWith((request) => (request.path === '/ping' ? {} : onWrite(request.body)))
  return server
}

function reply(status: number, json?: object): TestReply {
  return json === undefined
    ? { status }
    : { status, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(json) }
}
