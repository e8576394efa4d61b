// Rows and lines that cannot be written are refused one by one, named by file and line, and never
// stop the run; the errors file never empties an input. The CLI runs as a child process against
// the embedded server, and what the server stored is compared exactly.
import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { closeSync, openSync } from 'node:fs'
import { readFile, symlink } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { InfluxDBClientAsync } from '../../src/index.js'
import { writeBatch } from '../../src/cli/commands/write-pipeline.js'
import { CsvTableBuilder } from '../../src/cli/input/csv-table.js'
import type { Rejection } from '../../src/cli/rejections.js'
import { ROOT, cleanEnv, runCli, summaryOf } from './run-cli.js'
import { useCliServer } from './server-fixture.js'

const BUCKET = 'rej-bucket'
const cli = useCliServer(BUCKET, 'rej')
const { connection, file, held } = cli

describe('B2: a CSV cell that does not fit refuses its row alone', () => {
  test('a row without its timestamp: refused with file:line and reason, the other rows written, exit 3', async () => {
    const path = await file('missing-time.csv', 'time,st,v\n1,a,1\n2,b,2\n,c,3\n4,d,4\n')
    const errors = join(cli.dir, 'missing-time.err')
    const result = await runCli([
      'write',
      ...connection(),
      '-m',
      'w',
      '--tag-columns',
      'st',
      '--timestamp-column',
      'time',
      '--errors-file',
      errors,
      path,
    ])
    assert.equal(summaryOf(result.stdout), 'written: 3 points, rejected: 1, <s>, <rate>\n')
    assert.equal(result.stderr, `refused lines and reasons are in ${errors}\n`)
    assert.equal(result.code, 3)
    assert.deepEqual(held(), ['w,st=a v=1 1', 'w,st=b v=2 2', 'w,st=d v=4 4'])
    assert.equal(
      await readFile(errors, 'utf8'),
      `# ${path}:4: column "time": the timestamp is missing (every row needs one when --timestamp-column is given)\n,c,3\n`,
    )
  })

  test('unparseable time text, a local time skipped by daylight saving, a tag ending in a backslash', async () => {
    const path = await file(
      'bad-cells.csv',
      [
        'time,st,v',
        '2024-01-01T00:00:00Z,a,1',
        'bogus,b,2',
        '2024-03-31 02:30:00,c,3',
        '2024-01-01 00:00:01,d\\,4',
        '2024-01-01 00:00:02,e,5',
        '',
      ].join('\n'),
    )
    const result = await runCli([
      'write',
      ...connection(),
      '-m',
      'w',
      '--tag-columns',
      'st',
      '--timestamp-column',
      'time',
      '--timezone',
      'Europe/Paris',
      path,
    ])
    assert.equal(summaryOf(result.stdout), 'written: 2 points, rejected: 3, <s>, <rate>\n')
    assert.equal(
      result.stderr,
      [
        `rejected ${path}:3: column "time": "bogus" is not a timestamp (expected e.g. 2018-10-26, 2018-10-26 12:00, 2018-10-26T12:00:00.5Z or 2018-10-26 12:00:00-05:00)`,
        '  bogus,b,2',
        `rejected ${path}:4: column "time": 2024-03-31 02:30:00 does not exist in Europe/Paris: the clocks skipped it (daylight-saving change)`,
        '  2024-03-31 02:30:00,c,3',
        `rejected ${path}:5: column "st": "d\\\\" ends with a backslash, which would escape the delimiter after it`,
        '  2024-01-01 00:00:01,d\\,4',
        '',
      ].join('\n'),
    )
    assert.equal(result.code, 3)
    assert.deepEqual(held(), ['w,st=a v=1 1704067200000000000', 'w,st=e v=5 1704063602000000000'])
  })

  test('integer times beyond the range of --precision', async () => {
    const path = await file('int-times.csv', 'time,st,v\n1,a,1\n99999999999999999999,b,2\n9300000000,c,3\n4,d,4\n')
    const result = await runCli([
      'write',
      ...connection(),
      '-m',
      'w',
      '--tag-columns',
      'st',
      '--timestamp-column',
      'time',
      '-p',
      's',
      path,
    ])
    assert.equal(summaryOf(result.stdout), 'written: 2 points, rejected: 2, <s>, <rate>\n')
    assert.equal(
      result.stderr,
      [
        `rejected ${path}:3: column "time": 99999999999999999999 (s) is outside the range InfluxDB accepts, ±9223372036854775806 ns (years 1677 to 2262)`,
        '  99999999999999999999,b,2',
        `rejected ${path}:4: column "time": 9300000000 (s) is outside the range InfluxDB accepts, ±9223372036854775806 ns (years 1677 to 2262)`,
        '  9300000000,c,3',
        '',
      ].join('\n'),
    )
    assert.equal(result.code, 3)
    assert.deepEqual(held(), ['w,st=a v=1 1000000000', 'w,st=d v=4 4000000000'])
  })

  test('NDJSON integer times beyond the range of --precision are refused with file:line', async () => {
    const path = await file(
      'int-times.ndjson',
      '{"measurement":"w","fields":{"v":1},"time":1}\n{"measurement":"w","fields":{"v":2},"time":9300000000}\n',
    )
    const result = await runCli(['write', ...connection(), '-p', 's', path])
    assert.equal(summaryOf(result.stdout), 'written: 1 points, rejected: 1, <s>, <rate>\n')
    assert.match(result.stderr, new RegExp(`^rejected ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: .*9300000000`))
    assert.equal(result.code, 3)
    assert.deepEqual(held(), ['w v=1 1000000000'])
  })

  test('a header name that no key can carry is an input error naming the column', async () => {
    const path = await file('bad-header.csv', 'time,st\\,v\n1,a,1\n')
    const result = await runCli([
      'write',
      ...connection(),
      '-m',
      'w',
      '--tag-columns',
      'st\\',
      '--timestamp-column',
      'time',
      path,
    ])
    assert.equal(
      result.stderr,
      `influx-async: ${path}: column "st\\\\" cannot be a tag key: "st\\\\" ends with a backslash, which would escape the delimiter after it\n`,
    )
    assert.equal(result.code, 1)
    assert.deepEqual(held(), [])
  })
})

describe('B2: a bad NDJSON line is refused alone', () => {
  test('bad time text, a tag ending in a backslash, a measurement starting with #, a 20-digit time, a lone 1e400 field', async () => {
    const lines = [
      '{"measurement":"m","fields":{"a":1},"time":1}',
      '{"measurement":"m","fields":{"a":2},"time":"yesterday"}',
      '{"measurement":"m","tags":{"t":"x\\\\"},"fields":{"a":3},"time":3}',
      '{"measurement":"#m","fields":{"a":4},"time":4}',
      '{"measurement":"m","fields":{"a":5},"time":"12345678901234567890"}',
      '{"measurement":"m","fields":{"a":1e400},"time":6}',
      '{"measurement":"m","fields":{"a":7},"time":7}',
    ]
    const path = await file('bad.ndjson', `${lines.join('\n')}\n`)
    const errors = join(cli.dir, 'bad-ndjson.err')
    const result = await runCli(['write', ...connection(), '--errors-file', errors, path])
    assert.equal(summaryOf(result.stdout), 'written: 2 points, rejected: 5, <s>, <rate>\n')
    assert.equal(result.stderr, `refused lines and reasons are in ${errors}\n`)
    assert.equal(result.code, 3)
    assert.deepEqual(held(), ['m a=1 1', 'm a=7 7'])
    assert.equal(
      await readFile(errors, 'utf8'),
      [
        `# ${path}:2: time: "yesterday" is not a valid date-time: expected an ISO 8601 / RFC 3339 date-time such as 2018-10-26T10:00:00.123456789Z`,
        lines[1],
        `# ${path}:3: tag "t": "x\\\\" ends with a backslash, which would escape the delimiter after it`,
        lines[2],
        `# ${path}:4: measurement: "#m" starts with "#", which makes the line a comment`,
        lines[3],
        `# ${path}:5: time: 12345678901234567890 (ns) is outside the range InfluxDB accepts, ±9223372036854775806 ns (years 1677 to 2262)`,
        lines[4],
        `# ${path}:6: field "a": the number is beyond the float64 range`,
        lines[5],
        '',
      ].join('\n'),
    )
  })
})

describe('B7: NDJSON numbers that overflow to Infinity', () => {
  test('a field of 1e400 refuses the line instead of vanishing from it', async () => {
    const result = await runCli(['write', ...connection(), '--format', 'ndjson'], {
      stdin:
        '{"measurement":"m","fields":{"a":1,"b":1e400},"time":1}\n{"measurement":"m","b":-1e999,"a":2,"time":2}\n{"measurement":"m","fields":{"a":3},"time":3}\n',
    })
    assert.equal(summaryOf(result.stdout), 'written: 1 points, rejected: 2, <s>, <rate>\n')
    assert.equal(
      result.stderr,
      [
        'rejected -:1: field "b": the number is beyond the float64 range',
        '  {"measurement":"m","fields":{"a":1,"b":1e400},"time":1}',
        'rejected -:2: field "b": the number is beyond the float64 range',
        '  {"measurement":"m","b":-1e999,"a":2,"time":2}',
        '',
      ].join('\n'),
    )
    assert.equal(result.code, 3)
    assert.deepEqual(held(), ['m a=3 3'])
  })
})

describe('B8: nested NDJSON records with other top-level keys', () => {
  test('are refused naming the keys (and --tag-columns, which names tags of flat records)', async () => {
    const result = await runCli(['write', ...connection(), '--format', 'ndjson', '--tag-columns', 'host'], {
      stdin: [
        '{"measurement":"m","fields":{"a":1},"host":"x","extra":5,"time":1}',
        '{"measurement":"m","fields":{"a":2},"extra":5,"time":2}',
        '{"measurement":"m","host":"y","a":3,"time":3}',
        '{"measurement":"m","tags":{"host":"z"},"fields":{"a":4},"time":4}',
        '',
      ].join('\n'),
    })
    assert.equal(summaryOf(result.stdout), 'written: 2 points, rejected: 2, <s>, <rate>\n')
    assert.equal(
      result.stderr,
      [
        'rejected -:1: has key(s) "host", "extra" beside "fields": a nested record holds only "measurement", "tags", "fields" and "time" (--tag-columns names tags of flat records; put "host" under "tags")',
        '  {"measurement":"m","fields":{"a":1},"host":"x","extra":5,"time":1}',
        'rejected -:2: has key(s) "extra" beside "fields": a nested record holds only "measurement", "tags", "fields" and "time"',
        '  {"measurement":"m","fields":{"a":2},"extra":5,"time":2}',
        '',
      ].join('\n'),
    )
    assert.equal(result.code, 3)
    assert.deepEqual(held(), ['m,host=y a=3 3', 'm,host=z a=4 4'])
  })
})

describe('B4: --errors-file naming an input', () => {
  test('the same path, another spelling, or a symbolic link: a usage error before anything is opened', async () => {
    const input = await file('same.lp', 'm v=1 1\nm v=2 2\n')
    const link = join(cli.dir, 'link.lp')
    await symlink(input, link)
    for (const errorsFile of [input, join(cli.dir, '.', 'same.lp'), link]) {
      const result = await runCli(['write', ...connection(), '--errors-file', errorsFile, input])
      assert.equal(
        result.stderr,
        `influx-async: --errors-file ${errorsFile}: it is the input file ${input}, which it would empty before it is read\nRun 'influx-async write --help' for usage.\n`,
      )
      assert.equal(result.code, 2)
      assert.equal(result.stdout, '')
    }
    assert.equal(await readFile(input, 'utf8'), 'm v=1 1\nm v=2 2\n')
    assert.equal(cli.server.requests.length, 0)
    assert.deepEqual(held(), [])
  })

  test('stdin redirected from the errors file', async () => {
    const input = await file('stdin.lp', 'm v=1 1\n')
    const fd = openSync(input, 'r')
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'write', ...connection(), '--errors-file', input],
      {
        cwd: ROOT,
        env: cleanEnv(),
        stdio: [fd, 'pipe', 'pipe'],
      },
    )
    closeSync(fd)
    let stderr = ''
    child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      stderr += text
    })
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve))
    assert.equal(
      stderr,
      `influx-async: --errors-file ${input}: stdin is read from it, which it would empty before it is read\nRun 'influx-async write --help' for usage.\n`,
    )
    assert.equal(code, 2)
    assert.equal(await readFile(input, 'utf8'), 'm v=1 1\n')
  })
})

describe('B9: lines the server refuses are identified on stderr', () => {
  test('each reason is followed by the start of the refused line (80 characters at most)', async () => {
    const long = `m s="${'x'.repeat(100)}",v=1x 3`
    const result = await runCli(['write', ...connection()], { stdin: `m v=1 1\nm v=1x 2\n${long}\n` })
    assert.equal(summaryOf(result.stdout), 'written: 1 points, rejected: 2, <s>, <rate>\n')
    assert.equal(
      result.stderr,
      `rejected server: invalid number\n  m v=1x 2\nrejected server: invalid number\n  ${long.slice(0, 80)}…\n`,
    )
    assert.equal(result.code, 3)
    assert.deepEqual(held(), ['m v=1 1'])
  })

  test('the errors file keeps its format: the reason as a comment, then the whole line', async () => {
    const errors = join(cli.dir, 'server.err')
    const result = await runCli(['write', ...connection(), '--errors-file', errors], { stdin: 'm v=1 1\nm v=1x 2\n' })
    assert.equal(result.code, 3)
    assert.equal(await readFile(errors, 'utf8'), '# server: invalid number\nm v=1x 2\n')
  })
})

describe('B10: usage errors found before the server is contacted', () => {
  test('CSV input without --measurement', async () => {
    const port = await closedPort()
    const path = await file('ok.csv', 'a\n1\n')
    const result = await runCli(['write', '--host', `http://127.0.0.1:${port}`, '-b', 'b', '-o', 'o', path])
    assert.equal(
      result.stderr,
      `influx-async: CSV input needs --measurement (-m), the measurement of every row, or annotations (${path} has none)\nRun 'influx-async write --help' for usage.\n`,
    )
    assert.equal(result.code, 2)
  })

  test('a --measurement that line protocol cannot carry', async () => {
    const result = await runCli(
      ['write', '--host', 'http://127.0.0.1:9', '-b', 'b', '-o', 'o', '-m', '#w', '--format', 'csv'],
      { stdin: 'a\n1\n' },
    )
    assert.equal(
      result.stderr,
      'influx-async: --measurement: "#w" starts with "#", which makes the line a comment\nRun \'influx-async write --help\' for usage.\n',
    )
    assert.equal(result.code, 2)
  })
})

describe('B2 backstop: a row the writer refuses after all is refused alone', () => {
  async function withWriter(
    run: (writer: ReturnType<ReturnType<InfluxDBClientAsync['writeApi']>['batchWriter']>) => Promise<void>,
  ): Promise<void> {
    const client = new InfluxDBClientAsync({ url: cli.server.url, token: cli.server.token, org: cli.server.org })
    const writer = client.writeApi().batchWriter({ bucket: BUCKET, writePrecision: 's' })
    try {
      await run(writer)
      await writer.close()
    } finally {
      await client.close()
    }
  }

  test('a table row: named by its CSV line, the rows before and after it written', async () => {
    // No precision given to the builder: a time in range for ns but not for s gets past it.
    const builder = new CsvTableBuilder(['t', 'v'], { tagColumns: [], timestampColumn: 't', fieldTypes: new Map() })
    for (const [line, t] of [
      [2, '1'],
      [3, '9300000000'],
      [4, '3'],
      [5, '9300000001'],
      [6, '5'],
    ] as const) {
      assert.equal(builder.add({ fields: [t, String(line)], line }), undefined)
    }
    const rejected: Rejection[] = []
    await withWriter((writer) =>
      writeBatch(
        writer,
        {
          records: builder.take(),
          points: 5,
          options: { dataFrameMeasurementName: 'm', dataFrameTimestampColumn: 't' },
        },
        'in.csv',
        (r) => {
          rejected.push(r)
          return Promise.resolve()
        },
      ),
    )
    const reason = (n: string): string =>
      `column "t": time: ${n} (s) is outside the range InfluxDB accepts, ±9223372036854775806 ns (years 1677 to 2262)`
    assert.deepEqual(rejected, [
      { where: 'in.csv:3', text: '9300000000,3', reason: `${reason('9300000000')}` },
      { where: 'in.csv:5', text: '9300000001,5', reason: `${reason('9300000001')}` },
    ])
    assert.deepEqual(held(), ['m v=2 1000000000', 'm v=4 3000000000', 'm v=6 5000000000'])
  })

  test('an object record: named by its file and shown as JSON, the others written', async () => {
    const rejected: Rejection[] = []
    const records = [
      { measurement: 'm', tags: {}, fields: { a: 1 }, time: 1n },
      { measurement: 'm', tags: {}, fields: { a: 2n }, time: 9300000000n },
      { measurement: 'm', tags: {}, fields: { a: 3 }, time: 3n },
    ]
    await withWriter((writer) =>
      writeBatch(writer, { records, points: 3 }, 'in.ndjson', (r) => {
        rejected.push(r)
        return Promise.resolve()
      }),
    )
    assert.deepEqual(rejected, [
      {
        where: 'in.ndjson',
        text: '{"measurement":"m","tags":{},"fields":{"a":"2"},"time":"9300000000"}',
        reason:
          'time: 9300000000 (s) is outside the range InfluxDB accepts, ±9223372036854775806 ns (years 1677 to 2262)',
      },
    ])
    assert.deepEqual(held(), ['m a=1 1000000000', 'm a=3 3000000000'])
  })
})

async function closedPort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as { port: number }
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  return port
}
