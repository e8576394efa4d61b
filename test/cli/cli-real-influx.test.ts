// The CLI as a child process against real InfluxDB 1.6.7, through the v2→v1 gateway of the test
// support code (so the CLI's /api/v2 path is what runs). Values are read back with InfluxQL and
// compared exactly. Skipped locally when InfluxDB is not running; a failure in CI.
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { INFLUX_V1_URL, needServer } from '../support/servers.js'
import { startGateway, type Gateway } from '../support/gateway.js'
import { createDatabase, dropDatabase, quoteIdentifier, selectRows } from '../support/influx.js'
import { JsonNumber, type JsonValue } from '../support/lossless-json.js'
import { runCli, summaryOf } from './run-cli.js'

const DB = 'h7_cli'
const TOKEN = 'cli-real-token'

describe(
  'influx-async → gateway → InfluxDB 1.6.7',
  await needServer(`${INFLUX_V1_URL}/ping`, 204, 'InfluxDB 1.6.7'),
  () => {
    let gateway: Gateway
    let dir: string
    before(async () => {
      await dropDatabase(DB)
      await createDatabase(DB)
      gateway = await startGateway({ token: TOKEN })
      dir = await mkdtemp(join(tmpdir(), 'influx-async-real-'))
    })
    after(async () => {
      await gateway?.close()
      await dropDatabase(DB)
      await rm(dir, { recursive: true, force: true })
    })

    const connection = (): string[] => ['--host', gateway.url, '--token', TOKEN, '--org', 'any-org', '--bucket', DB]

    /** Every row of a measurement as `tags | field=value… | time`, values as the server's exact text. */
    async function rows(measurement: string, groupBy = '*'): Promise<string[]> {
      const found = await selectRows(DB, `SELECT * FROM ${quoteIdentifier(measurement)} GROUP BY ${groupBy}`)
      return found.map((r) => {
        const tags = Object.entries(r.tags)
          .filter(([, v]) => v !== '')
          .map(([k, v]) => `${k}=${v}`)
          .join(',')
        const fields = Object.entries(r.values)
          .filter(([k, v]) => k !== 'time' && v !== null)
          .map(([k, v]) => `${k}=${show(v)}`)
          .join(',')
        return `${tags} | ${fields} | ${show(r.values.time)}`
      })
    }
    const show = (v: JsonValue | undefined): string => (v instanceof JsonNumber ? v.raw : JSON.stringify(v))

    test('ping', async () => {
      const result = await runCli(['ping', '--host', gateway.url])
      assert.equal(result.stdout, `OK ${gateway.url}\n`)
      assert.equal(result.code, 0)
    })

    test('line protocol from a file and from stdin, gzip, ms precision', async () => {
      const path = join(dir, 'data.lp')
      await writeFile(path, 'lp,host=a v=1.5,n=9223372036854775807i,s="x \\"y\\"" 1700000000000000001\n')
      const fromFile = await runCli(['write', ...connection(), path])
      assert.equal(summaryOf(fromFile.stdout), 'written: 1 points, rejected: 0, <s>, <rate>\n')
      const fromStdin = await runCli(['write', ...connection(), '--gzip', '-p', 'ms'], {
        stdin: 'lp,host=b v=2,n=-1i,s="" 1700000000000\n',
      })
      assert.equal(fromStdin.code, 0, fromStdin.stderr)
      assert.deepEqual(await rows('lp'), [
        'host=a | n=9223372036854775807,s="x \\"y\\"",v=1.5 | 1700000000000000001',
        'host=b | n=-1,s="",v=2 | 1700000000000000000',
      ])
    })

    test('CSV with tags, zone-less timestamps in a time zone and pinned integers', async () => {
      const path = join(dir, 'w.csv')
      await writeFile(path, 'station,temp,count,at\nparis,21.5,7,2024-06-01 12:00:00\nlyon,19,,2024-06-01 12:00:01\n')
      const result = await runCli([
        'write',
        ...connection(),
        '-m',
        'weather',
        '--tag-columns',
        'station',
        '--timestamp-column',
        'at',
        '--timezone',
        'Europe/Paris',
        '--field-types',
        'count=int',
        path,
      ])
      assert.equal(result.code, 0, result.stderr)
      // 12:00 in Paris in June is 10:00 UTC.
      assert.deepEqual(await rows('weather'), [
        'station=lyon | temp=19 | 1717236001000000000',
        'station=paris | count=7,temp=21.5 | 1717236000000000000',
      ])
    })

    test('NDJSON and a line the server refuses: the rest is written, exit 3', async () => {
      const result = await runCli(['write', ...connection(), '--format', 'ndjson', '--field-types', 'big=int'], {
        stdin: '{"measurement":"nd","tags":{"k":"v"},"fields":{"big":"-9223372036854775808","ok":true},"time":5}\n',
      })
      assert.equal(result.code, 0, result.stderr)
      assert.deepEqual(await rows('nd'), ['k=v | big=-9223372036854775808,ok=true | 5'])
      const refused = await runCli(['write', ...connection()], { stdin: 'bad v=1 1\nbad v="text" 2\n' })
      assert.equal(refused.code, 3)
      assert.match(refused.stderr, /^rejected server: /)
      assert.deepEqual(await rows('bad'), [' | v=1 | 1'])
    })

    test('delete with a predicate, inclusive range', async () => {
      await runCli(['write', ...connection()], {
        stdin: 'del,host=a v=1 1\ndel,host=a v=2 2\ndel,host=a v=3 3\ndel,host=b v=4 2\n',
      })
      const result = await runCli([
        'delete',
        ...connection(),
        '--start',
        '1970-01-01T00:00:00.000000001Z',
        '--stop',
        '1970-01-01T00:00:00.000000002Z',
        '--predicate',
        'host="a"',
      ])
      assert.equal(result.code, 0, result.stderr)
      assert.deepEqual(await rows('del', 'host'), ['host=a | v=3 | 3', 'host=b | v=4 | 2'])
    })

    test('a wrong token is refused with 401', async () => {
      const result = await runCli(['write', '--host', gateway.url, '--token', 'nope', '--org', 'o', '-b', DB], {
        stdin: 'x v=1 1\n',
      })
      assert.equal(result.code, 1)
      assert.match(
        result.stderr,
        /^influx-async: 401 unauthorized: check --token \/ INFLUX_TOKEN \(write stopped: 0 point\(s\) acknowledged before it, \d+ read and not written\)\n$/,
      )
    })
  },
)
