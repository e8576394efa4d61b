// `influx-async serve` as a child process: it prints how to connect, takes writes, stops cleanly on
// SIGTERM and SIGINT, and keeps its data in --data across restarts.
import { test, describe, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import { startTestServer } from '../../src/testing/index.js'
import { runCli, spawnCli } from './run-cli.js'

const dir = await mkdtemp(join(tmpdir(), 'influx-async-serve-'))
after(() => rm(dir, { recursive: true, force: true }))

interface Served {
  child: ChildProcess
  url: string
  banner: string
  /** Resolves with the exit code and the whole stdout once the process has ended. */
  exited: Promise<{ code: number | null; stdout: string; stderr: string }>
}

/** Starts `serve` and waits until it says it is ready (bounded: fails after 20 s). */
async function serve(args: string[]): Promise<Served> {
  const child = spawnCli(['serve', '--port', '0', ...args])
  let stdout = ''
  let stderr = ''
  child.stderr?.setEncoding('utf8').on('data', (t: string) => {
    stderr += t
  })
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.once('close', (code) => resolve({ code, stdout, stderr }))
  })
  const banner = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${stdout}${stderr}`)), 20_000)
    child.stdout?.setEncoding('utf8').on('data', (t: string) => {
      stdout += t
      if (stdout.includes('Press Ctrl-C to stop.\n')) {
        clearTimeout(timer)
        resolve(stdout)
      }
    })
    void exited.then(() => reject(new Error(`serve exited early: ${stdout}${stderr}`)))
  })
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(banner)?.[1]
  assert.ok(url !== undefined, banner)
  return { child, url, banner, exited }
}

describe('influx-async serve', () => {
  test('prints URL, org, bucket, token; takes writes; SIGTERM saves --data; a restart has the points', async () => {
    const data = join(dir, 'data.journal')
    const first = await serve([
      '--token',
      'serve-token',
      '--org',
      'serve-org',
      '--bucket',
      'serve-bucket',
      '--data',
      data,
    ])
    assert.equal(
      first.banner,
      [
        `embedded InfluxDB listening on ${first.url}`,
        '  org:    serve-org',
        '  bucket: serve-bucket',
        '  token:  serve-token',
        `  data:   ${data} (journal, appended as changes happen)`,
        'Use it with:',
        `  export INFLUX_HOST=${first.url} INFLUX_TOKEN=serve-token INFLUX_ORG=serve-org INFLUX_BUCKET=serve-bucket`,
        '  influx-async read -b serve-bucket --limit 10    # what it holds, as NDJSON',
        'Press Ctrl-C to stop.',
        '',
      ].join('\n'),
    )
    const env = {
      INFLUX_HOST: first.url,
      INFLUX_TOKEN: 'serve-token',
      INFLUX_ORG: 'serve-org',
      INFLUX_BUCKET: 'serve-bucket',
    }
    const write = await runCli(['write'], {
      env,
      stdin:
        'm,t=a v=1i 1\nm,t=b v=2i 2\nf,t=c x=1,y=2.5,s="q\\"",b=true,u=18446744073709551615u 1700000000000000001\n',
    })
    assert.equal(write.code, 0, write.stderr)
    // What a running server holds, through the real binary.
    const read = await runCli(['read', '-b', 'serve-bucket', '--limit', '2'], { env })
    assert.equal(read.stderr, '')
    assert.equal(read.code, 0)
    assert.equal(
      read.stdout,
      '{"measurement":"m","tags":{"t":"a"},"fields":{"v":1},"time":1}\n{"measurement":"m","tags":{"t":"b"},"fields":{"v":2},"time":2}\n',
    )
    const floats = await runCli(['read', '-b', 'serve-bucket', '-m', 'f'], { env })
    assert.equal(
      floats.stdout,
      '{"measurement":"f","tags":{"t":"c"},"fields":{"x":1.0,"y":2.5,"s":"q\\"","b":true,"u":18446744073709551615},"time":1700000000000000001}\n',
    )
    const denied = await runCli(['read', '-b', 'serve-bucket'], { env: { ...env, INFLUX_TOKEN: 'wrong' } })
    assert.equal(denied.code, 1)
    assert.equal(denied.stderr, 'influx-async: 401 unauthorized: check --token / INFLUX_TOKEN\n')
    first.child.kill('SIGTERM')
    const ended = await first.exited
    assert.equal(ended.code, 0)
    assert.equal(ended.stderr, '')
    assert.ok(ended.stdout.endsWith(`SIGTERM: server stopped, data saved to ${data}\n`), ended.stdout)

    // The journal is the server's own format: reopen it in-process to see exactly what was kept.
    const reopened = await startTestServer({ port: 0, org: 'serve-org', buckets: ['serve-bucket'], persistPath: data })
    try {
      assert.deepEqual(
        reopened
          .points('serve-bucket', { measurement: 'm' })
          .map((p) => `${p.measurement},t=${p.tags.t} v=${String(p.fields.v)} ${p.time}`),
        ['m,t=a v=1 1', 'm,t=b v=2 2'],
      )
    } finally {
      await reopened.close()
    }
  })

  test('SIGINT stops it too; without --data the token is random and data stays in memory', async () => {
    const served = await serve([])
    const token = /token: {2}(\S+)/.exec(served.banner)?.[1] ?? ''
    assert.match(token, /^[A-Za-z0-9_-]{24}$/)
    assert.match(served.banner, /\n {2}org: {4}my-org\n {2}bucket: my-bucket\n/)
    assert.match(served.banner, /\n {2}data: {3}in memory only \(use --data <file>\.journal to keep it\)\n/)
    const ping = await runCli(['ping', '--host', served.url])
    assert.equal(ping.stdout, `OK ${served.url}\n`)
    served.child.kill('SIGINT')
    const ended = await served.exited
    assert.equal(ended.code, 0)
    assert.ok(ended.stdout.endsWith('SIGINT: server stopped\n'), ended.stdout)
  })

  test('--data named like JSON is refused: the file is a journal', async () => {
    const result = await runCli(['serve', '--port', '0', '--data', join(dir, 'x.json')])
    assert.equal(result.code, 2)
    assert.equal(
      result.stderr.split('\n')[0],
      `influx-async: --data ${join(dir, 'x.json')}: the data file is a journal of changes and line protocol, not JSON; name it for example ${join(dir, 'x.journal')}`,
    )
  })

  test('read against a server without the endpoint says so', async () => {
    const other = await startTestServer({ port: 0, apiVersion: 'v1' })
    try {
      const result = await runCli(['read', '--host', other.url, '-t', 't', '-o', 'o', '-b', 'b'])
      assert.equal(result.code, 1)
      assert.equal(
        result.stderr,
        `influx-async: ${other.url} has no GET /api/v2/points: read works with the embedded server of 'influx-async serve'\n`,
      )
    } finally {
      await other.close()
    }
  })

  test('a port in use is a clear error', async () => {
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    const { port } = blocker.address() as { port: number }
    try {
      const result = await runCli(['serve', '--port', String(port)])
      assert.equal(
        result.stderr,
        `influx-async: port ${port} is already in use; choose another with --port (0 picks a free one)\n`,
      )
      assert.equal(result.code, 1)
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()))
    }
  })
})
