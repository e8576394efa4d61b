// The CLI as a child process against the embedded server: every command, every input format,
// from files and stdin, with the points the server holds compared exactly.
import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { runCli, spawnCli, summaryOf } from './run-cli.js'
import { useCliServer } from './server-fixture.js'
import { waitFor } from '../support/wait.js'

const BUCKET = 'cli-bucket'
const cli = useCliServer(BUCKET, 'cli')
const { connection, file, held, writeRequests } = cli

describe('influx-async ping', () => {
  test('prints OK and exits 0', async () => {
    const result = await runCli(['ping', '--host', cli.server.url])
    assert.deepEqual([result.code, result.stdout, result.stderr], [0, `OK ${cli.server.url}\n`, ''])
  })
})

describe('influx-async write: line protocol', () => {
  const LP = '# a comment\nh2o_feet,location=us-west level=125i 1\n\nh2o_feet,location=us-east level=126i 2\r\n'

  test('from a file', async () => {
    const path = await file('data.lp', LP)
    const result = await runCli(['write', ...connection(), path])
    assert.equal(result.stderr, '')
    assert.equal(summaryOf(result.stdout), 'written: 2 points, rejected: 0, <s>, <rate>\n')
    assert.equal(result.code, 0)
    assert.deepEqual(held(), ['h2o_feet,location=us-east level=126i 2', 'h2o_feet,location=us-west level=125i 1'])
    const [request] = writeRequests()
    assert.deepEqual(request?.query, { org: 'cli-org', bucket: BUCKET, precision: 'ns' })
    assert.equal(request?.body, 'h2o_feet,location=us-west level=125i 1\nh2o_feet,location=us-east level=126i 2')
  })

  test('from stdin, with the connection from the environment and -p s', async () => {
    const result = await runCli(['write', '-p', 's'], {
      stdin: 'm,t=a v=1 1700000000\n',
      env: {
        INFLUX_HOST: cli.server.url,
        INFLUX_TOKEN: cli.server.token,
        INFLUX_ORG: cli.server.org,
        INFLUX_BUCKET: BUCKET,
      },
    })
    assert.equal(result.code, 0)
    assert.deepEqual(held(), ['m,t=a v=1 1700000000000000000'])
    assert.equal(writeRequests()[0]?.query.precision, 's')
  })

  test("the client's INFLUXDB_V2_* variables work too", async () => {
    const result = await runCli(['write', '-b', BUCKET], {
      stdin: 'm v=2 5\n',
      env: { INFLUXDB_V2_URL: cli.server.url, INFLUXDB_V2_TOKEN: cli.server.token, INFLUXDB_V2_ORG: cli.server.org },
    })
    assert.equal(result.code, 0)
    assert.deepEqual(held(), ['m v=2 5'])
  })

  test('several files and --batch-size: one request per batch, in order', async () => {
    const a = await file('a.lp', 'm v=1 1\nm v=2 2\nm v=3 3\n')
    const b = await file('b.lp', 'm v=4 4\nm v=5 5')
    const result = await runCli(['write', ...connection(), '--batch-size', '2', a, '-f', b])
    assert.equal(summaryOf(result.stdout), 'written: 5 points, rejected: 0, <s>, <rate>\n')
    assert.deepEqual(
      writeRequests()
        .map((r) => r.body)
        .sort(),
      ['m v=1 1\nm v=2 2', 'm v=3 3\nm v=4 4', 'm v=5 5'],
    )
    assert.equal(held().length, 5)
  })

  test('streams: points reach the server while stdin is still open', async () => {
    const child = spawnCli(['write', ...connection(), '--batch-size', '2'])
    let stdout = ''
    child.stdout?.setEncoding('utf8').on('data', (t: string) => {
      stdout += t
    })
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve))
    child.stdin?.write('m v=1 1\nm v=2 2\nm v=3 3\nm v=4 4\n')
    await waitFor(() => cli.server.count(BUCKET) >= 4, 'two full batches at the server', 10_000)
    assert.equal(cli.server.count(BUCKET), 4, 'two full batches were written before the input ended')
    child.stdin?.end('m v=5 5\n')
    assert.equal(await exited, 0)
    assert.equal(summaryOf(stdout), 'written: 5 points, rejected: 0, <s>, <rate>\n')
  })

  test('--gzip compresses the bodies', async () => {
    const result = await runCli(['write', ...connection(), '--gzip'], { stdin: 'm v=1 1\n' })
    assert.equal(result.code, 0)
    const [request] = cli.server.requests.filter((r) => r.path === '/api/v2/write')
    assert.equal(request?.headers['content-encoding'], 'gzip')
    assert.deepEqual(held(), ['m v=1 1'])
  })

  test('refused lines go to --errors-file with their reasons; the good lines are still written; exit 3', async () => {
    const errors = join(cli.dir, 'errors.lp')
    const input = 'm,t=a v=1 1\nnot line protocol\nm,t=b v=2 2\nm,t=c v="x 3\n'
    const result = await runCli(['write', ...connection(), '--errors-file', errors], { stdin: input })
    assert.equal(result.code, 3)
    assert.equal(summaryOf(result.stdout), 'written: 2 points, rejected: 2, <s>, <rate>\n')
    assert.equal(result.stderr, `refused lines and reasons are in ${errors}\n`)
    assert.deepEqual(held(), ['m,t=a v=1 1', 'm,t=b v=2 2'])
    const text = await readFile(errors, 'utf8')
    const lines = text.split('\n')
    assert.equal(lines.length, 5)
    assert.match(lines[0] ?? '', /^# server: .+/)
    assert.equal(lines[1], 'not line protocol')
    assert.match(lines[2] ?? '', /^# server: .+/)
    assert.equal(lines[3], 'm,t=c v="x 3')
    assert.equal(lines[4], '')
  })

  test('without --errors-file, refusals are listed on stderr', async () => {
    const result = await runCli(['write', ...connection()], { stdin: 'm v=1 1\nbad\n' })
    assert.equal(result.code, 3)
    assert.match(result.stderr, /^rejected server: .+\n {2}bad\n$/)
    assert.deepEqual(held(), ['m v=1 1'])
  })

  test('a wrong token stops the write with one line; nothing is written', async () => {
    const result = await runCli(
      ['write', '--host', cli.server.url, '--token', 'wrong', '--org', cli.server.org, '-b', BUCKET],
      { stdin: 'm v=1 1\n' },
    )
    assert.equal(result.code, 1)
    assert.equal(result.stdout, '')
    assert.equal(
      result.stderr,
      'influx-async: 401 unauthorized: check --token / INFLUX_TOKEN (write stopped: 0 point(s) acknowledged before it, 1 read and not written)\n',
    )
    assert.deepEqual(held(), [])
  })

  test('an unknown bucket: one line; the errors file gets nothing, since no line was refused for its content', async () => {
    const errors = join(cli.dir, 'not-written.lp')
    const result = await runCli(
      [
        'write',
        '--host',
        cli.server.url,
        '--token',
        cli.server.token,
        '--org',
        cli.server.org,
        '-b',
        'nope',
        '--errors-file',
        errors,
      ],
      { stdin: 'm v=1 1\nm v=2 2\n' },
    )
    assert.equal(result.code, 1)
    assert.equal(result.stdout, '')
    assert.equal(
      result.stderr,
      'influx-async: 404 not found: bucket "nope" not found: check --bucket / --bucket-id / INFLUX_BUCKET (write stopped: 0 point(s) acknowledged before it, 2 read and not written)\n',
    )
    assert.equal(await readFile(errors, 'utf8'), '')
  })
})

describe('influx-async write: CSV', () => {
  const CSV = [
    'station,"level, m",ok,note,count,time',
    'us-west,1.5,true,"say ""hi""",3,2024-01-01 01:00:00',
    'us-east,2,false,,18446744073709551615,2024-01-01T00:00:00Z',
    'us-east,high,true,x,1,2024-01-01 02:00:00',
    ',3.25,,,,2024-01-01 03:00:00',
  ].join('\r\n')

  test('from a .csv file: tags, timestamp with --timezone, inferred and pinned types; a misfit row is refused', async () => {
    const path = await file('levels.csv', CSV)
    const errors = join(cli.dir, 'csv-errors.txt')
    const result = await runCli([
      'write',
      ...connection(),
      '-m',
      'water',
      '--tag-columns',
      'station',
      '--timestamp-column',
      'time',
      '--timezone',
      'Europe/Paris',
      '--field-types',
      'count=uint',
      '--errors-file',
      errors,
      path,
    ])
    assert.equal(summaryOf(result.stdout), 'written: 3 points, rejected: 1, <s>, <rate>\n')
    assert.equal(result.code, 3)
    assert.deepEqual(held(), [
      'water level, m=3.25 1704074400000000000',
      'water,station=us-east count=18446744073709551615u,level, m=2,ok=false 1704067200000000000',
      'water,station=us-west count=3u,level, m=1.5,note="say \\"hi\\"",ok=true 1704067200000000000',
    ])
    assert.equal(
      await readFile(errors, 'utf8'),
      `# ${path}:4: column "level, m": "high" is not a number; the column's first value made it float (pin it with --field-types level, m=string)\nus-east,high,true,x,1,2024-01-01 02:00:00\n`,
    )
  })

  test('from stdin with --format csv and integer timestamps in --precision', async () => {
    const result = await runCli(
      [
        'write',
        ...connection(),
        '--format',
        'csv',
        '-m',
        'cpu',
        '--tag-columns',
        'host',
        '--timestamp-column',
        't',
        '-p',
        'ms',
        '--field-types',
        'n=int',
      ],
      {
        stdin: 'host,n,t\nh1,-5,1700000000000\nh2,7,1700000000001\n',
      },
    )
    assert.equal(result.code, 0)
    assert.deepEqual(held(), ['cpu,host=h1 n=-5i 1700000000000000000', 'cpu,host=h2 n=7i 1700000000001000000'])
  })

  test('a .csv.gz file is decompressed as it is read', async () => {
    const path = join(cli.dir, 'rows.csv.gz')
    await writeFile(path, gzipSync('host,v,t\na,1,1\nb,2,2\n'))
    const result = await runCli([
      'write',
      ...connection(),
      '-m',
      'z',
      '--tag-columns',
      'host',
      '--timestamp-column',
      't',
      path,
    ])
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(held(), ['z,host=a v=1 1', 'z,host=b v=2 2'])
  })

  test('CSV without --measurement is a usage error, found before the server is contacted', async () => {
    const result = await runCli(['write', ...connection(), '--format', 'csv'], { stdin: 'a\n1\n' })
    assert.equal(
      result.stderr,
      "influx-async: CSV input needs --measurement (-m), the measurement of every row, or annotations (stdin has none)\nRun 'influx-async write --help' for usage.\n",
    )
    assert.equal(result.code, 2)
    assert.equal(cli.server.requests.length, 0)
  })

  test('malformed CSV stops with the file and line', async () => {
    const path = await file('broken.csv', 'a,b\n1,2\n3,"4\n')
    const result = await runCli(['write', ...connection(), '-m', 'm', path])
    assert.equal(result.stderr, `influx-async: ${path}: line 3: a quoted field is not closed at the end of the input\n`)
    assert.equal(result.code, 1)
  })
})

describe('influx-async write: NDJSON', () => {
  test('from a .jsonl file: nested and flat objects, exact big integers, a bad line refused', async () => {
    const path = await file(
      'events.jsonl',
      [
        '{"measurement":"h2o_feet","tags":{"location":"us-west"},"fields":{"level":125},"time":1}',
        '{"measurement":"ev","host":"a","n":"9223372036854775807","ok":true,"time":"2024-01-01T00:00:00.000000001Z"}',
        '{"measurement":"ev","host":"b"}',
        '',
      ].join('\n'),
    )
    const result = await runCli([
      'write',
      ...connection(),
      '--tag-columns',
      'host',
      '--field-types',
      'n=int,level=int',
      path,
    ])
    assert.equal(summaryOf(result.stdout), 'written: 2 points, rejected: 1, <s>, <rate>\n')
    assert.equal(result.stderr, `rejected ${path}:3: has no field value\n  {"measurement":"ev","host":"b"}\n`)
    assert.equal(result.code, 3)
    assert.deepEqual(held(), [
      'ev,host=a n=9223372036854775807i,ok=true 1704067200000000001',
      'h2o_feet,location=us-west level=125i 1',
    ])
  })

  test('from stdin with --format ndjson and --measurement', async () => {
    const result = await runCli(['write', ...connection(), '--format', 'ndjson', '-m', 'm'], {
      stdin: '{"v":1.5,"time":3}\n{"v":2,"time":4}\n',
    })
    assert.equal(result.code, 0)
    assert.deepEqual(held(), ['m v=1.5 3', 'm v=2 4'])
  })
})

describe('influx-async delete', () => {
  test('deletes the matching points in the inclusive range', async () => {
    await runCli(['write', ...connection()], {
      stdin: 'm,t=a v=1 1\nm,t=a v=2 2\nm,t=a v=3 3\nm,t=b v=4 2\nother v=5 2\n',
    })
    assert.equal(held().length, 5)
    const result = await runCli([
      'delete',
      ...connection(),
      '--start',
      '1970-01-01T00:00:00.000000001Z',
      '--stop',
      '1970-01-01T00:00:00.000000002Z',
      '--predicate',
      '_measurement="m" AND t="a"',
    ])
    assert.equal(
      result.stdout,
      `deleted points matching _measurement="m" AND t="a" from 1970-01-01T00:00:00.000000001Z to 1970-01-01T00:00:00.000000002Z in bucket ${BUCKET}\n`,
    )
    assert.equal(result.code, 0)
    assert.deepEqual(held(), ['m,t=a v=3 3', 'm,t=b v=4 2', 'other v=5 2'])
  })

  test('without a predicate, everything in the range goes', async () => {
    await runCli(['write', ...connection()], { stdin: 'm v=1 1\nn v=2 5\n' })
    const result = await runCli([
      'delete',
      ...connection(),
      '--start',
      '1970-01-01T00:00:00Z',
      '--stop',
      '1970-01-01T00:00:00.000000003Z',
    ])
    assert.equal(
      result.stdout,
      `deleted every point from 1970-01-01T00:00:00Z to 1970-01-01T00:00:00.000000003Z in bucket ${BUCKET}\n`,
    )
    assert.deepEqual(held(), ['n v=2 5'])
  })

  test('a bad predicate is a usage error (exit 2) with the reason; nothing is sent', async () => {
    const result = await runCli([
      'delete',
      ...connection(),
      '--start',
      '1970-01-01T00:00:00Z',
      '--stop',
      '1970-01-01T00:00:01Z',
      '--predicate',
      'host=="a"',
    ])
    assert.equal(
      result.stderr,
      'influx-async: --predicate: expected a value, got "=" at position 5 in "host==\\"a\\""\nRun \'influx-async delete --help\' for usage.\n',
    )
    assert.equal(result.code, 2)
    assert.deepEqual(
      cli.server.requests.map((r) => r.path),
      [],
    )
  })
})
