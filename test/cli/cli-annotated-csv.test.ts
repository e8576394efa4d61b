// Annotated CSV as `influx write` reads it, through the real binary. The inputs and the expected
// line protocol are the examples documented for the official converter (csv2lp's README examples
// in influxdata/influx-cli, and the "Write CSV data with the influx CLI" page of the InfluxDB docs).
import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { runCli, summaryOf } from './run-cli.js'
import { useCliServer } from './server-fixture.js'

const BUCKET = 'annotated-bucket'
const cli = useCliServer(BUCKET, 'annotated')
const firstLine = (text: string): string | undefined => text.split('\n')[0]

/** Runs `write dryrun` on a CSV file and returns the line protocol it prints. */
async function dryRun(
  name: string,
  csv: string,
  ...flags: string[]
): Promise<{ code: number | null; lp: string; stderr: string }> {
  const path = await cli.file(name, csv)
  const result = await runCli(['write', 'dryrun', ...flags, path])
  return { code: result.code, lp: result.stdout, stderr: result.stderr }
}

const DOCS_CSV = [
  '#datatype measurement,tag,double,dateTime:RFC3339',
  'm,host,used_percent,time',
  'mem,host1,64.23,2020-01-01T00:00:00Z',
  'mem,host2,72.01,2020-01-01T00:00:00Z',
  'mem,host1,62.61,2020-01-01T00:00:10Z',
  'mem,host2,72.98,2020-01-01T00:00:10Z',
  'mem,host1,63.40,2020-01-01T00:00:20Z',
  'mem,host2,73.77,2020-01-01T00:00:20Z',
  '',
].join('\n')

// The docs' "Resulting line protocol" (their 63.40 is the same float as 63.4).
const DOCS_LP = [
  'mem,host=host1 used_percent=64.23 1577836800000000000',
  'mem,host=host2 used_percent=72.01 1577836800000000000',
  'mem,host=host1 used_percent=62.61 1577836810000000000',
  'mem,host=host2 used_percent=72.98 1577836810000000000',
  'mem,host=host1 used_percent=63.40 1577836820000000000',
  'mem,host=host2 used_percent=73.77 1577836820000000000',
  '',
].join('\n')

describe('annotated CSV: the documented examples', () => {
  test("the docs example: written, the server holds exactly what the docs' line protocol gives", async () => {
    const path = await cli.file('docs.csv', DOCS_CSV)
    const result = await runCli(['write', ...cli.connection(), path])
    assert.equal(result.stderr, '')
    assert.equal(summaryOf(result.stdout), 'written: 6 points, rejected: 0, <s>, <rate>\n')
    assert.equal(result.code, 0)
    const fromCsv = cli.held()
    cli.server.reset()
    const lp = await runCli(['write', ...cli.connection()], { stdin: DOCS_LP })
    assert.equal(lp.code, 0)
    assert.deepEqual(fromCsv, cli.held())
    assert.equal(fromCsv.length, 6)
  })

  const examples: Array<[string, string, string]> = [
    [
      'a Flux query result (two tables, _field/_value, #group, #default)',
      [
        '#group,false,false,true,true,false,false,true,true,true,true',
        '#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string,string,string,string',
        '#default,_result,,,,,,,,,',
        ',result,table,_start,_stop,_time,_value,_field,_measurement,cpu,host',
        ',,0,2020-02-25T22:17:54.068926364Z,2020-02-25T22:22:54.068926364Z,2020-02-25T22:17:57Z,0,time_steal,cpu,cpu1,rsavage.prod',
        ',,0,2020-02-25T22:17:54.068926364Z,2020-02-25T22:22:54.068926364Z,2020-02-25T22:18:07Z,0,time_steal,cpu,cpu1,rsavage.prod',
        '',
        '#group,false,false,true,true,false,false,true,true,true,true',
        '#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string,string,string,string',
        '#default,_result,,,,,,,,,',
        ',result,table,_start,_stop,_time,_value,_field,_measurement,cpu,host',
        ',,1,2020-02-25T22:17:54.068926364Z,2020-02-25T22:22:54.068926364Z,2020-02-25T22:18:01Z,2.7263631815907954,usage_user,cpu,cpu-total,tahoecity.prod',
        ',,1,2020-02-25T22:17:54.068926364Z,2020-02-25T22:22:54.068926364Z,2020-02-25T22:18:11Z,2.247752247752248,usage_user,cpu,cpu-total,tahoecity.prod',
      ].join('\n'),
      [
        'cpu,cpu=cpu1,host=rsavage.prod time_steal=0 1582669077000000000',
        'cpu,cpu=cpu1,host=rsavage.prod time_steal=0 1582669087000000000',
        'cpu,cpu=cpu-total,host=tahoecity.prod usage_user=2.7263631815907954 1582669081000000000',
        'cpu,cpu=cpu-total,host=tahoecity.prod usage_user=2.247752247752248 1582669091000000000',
      ].join('\n'),
    ],
    [
      'measurement, tags, doubles, an ignored column, dateTime:number',
      '#datatype measurement,tag,tag,double,double,ignored,dateTime:number\nm,cpu,host,time_steal,usage_user,nothing,time\ncpu,cpu1,rsavage.prod,0,2.7,a,1482669077000000000\ncpu,cpu1,rsavage.prod,0,2.2,b,1482669087000000000',
      'cpu,cpu=cpu1,host=rsavage.prod time_steal=0,usage_user=2.7 1482669077000000000\ncpu,cpu=cpu1,host=rsavage.prod time_steal=0,usage_user=2.2 1482669087000000000',
    ],
    [
      'the same typed in the header (label|type)',
      'm|measurement,cpu|tag,host|tag,time_steal|double,usage_user|double,nothing|ignored,time|dateTime:number\ncpu,cpu1,rsavage.prod,0,2.7,a,1482669077000000000\ncpu,cpu1,rsavage.prod,0,2.2,b,1482669087000000000',
      'cpu,cpu=cpu1,host=rsavage.prod time_steal=0,usage_user=2.7 1482669077000000000\ncpu,cpu=cpu1,host=rsavage.prod time_steal=0,usage_user=2.2 1482669087000000000',
    ],
    [
      'every field type, #default, and dateTime as a number or RFC 3339',
      '#datatype measurement,tag,string,double,boolean,long,unsignedLong,duration,dateTime\n#default test,annotatedDatatypes,,,,,,\nm,name,s,d,b,l,ul,dur,time\n,,str1,1.0,true,1,1,1ms,1\n,,str2,2.0,false,2,2,2us,2020-01-11T10:10:10Z',
      'test,name=annotatedDatatypes s="str1",d=1,b=true,l=1i,ul=1u,dur=1000000i 1\ntest,name=annotatedDatatypes s="str2",d=2,b=false,l=2i,ul=2u,dur=2000i 1578737410000000000',
    ],
    [
      '#constant, #timezone, a custom dateTime format with a default, number and boolean formats',
      '#constant measurement,test\n#constant tag,name,datetypeFormats\n#timezone -0500\n#datatype dateTime:2006-01-02|1970-01-02,"double:,. ","boolean:y,Y:n,N|y"\nt,d,b\n1970-01-01,"123.456,78",\n,"123 456,78",Y',
      'test,name=datetypeFormats d=123456.78,b=true 18000000000000\ntest,name=datetypeFormats d=123456.78,b=true 104400000000000',
    ],
    [
      'a custom format without #timezone is UTC; a string column with a default',
      '#constant measurement,test2\nt|dateTime:2006-01-02,_|ignored,s|string|unknown\n1970-01-01,"123.456,78",\n,"123 456,78",Y',
      'test2 s="unknown" 0\ntest2 s="Y"',
    ],
  ]
  examples.forEach(([name, csv, lp], i) => {
    test(name, async () => {
      const result = await dryRun(`example-${i}.csv`, `${csv}\n`)
      assert.equal(result.lp, `${lp}\n`)
      assert.equal(result.code, 0, result.stderr)
    })
  })
})

describe('annotated CSV: more formats, --header, refusals', () => {
  test('from stdin with --format csv (no --measurement needed)', async () => {
    const result = await runCli(['write', 'dryrun', '--format', 'csv'], { stdin: DOCS_CSV })
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.stdout, DOCS_LP.replace('63.40', '63.4'))
  })

  test('RFC3339Nano, an IANA #timezone, a Go layout with a fraction and a zone, unsignedLong and long with grouping', async () => {
    const csv = [
      '#constant measurement,m',
      '#timezone Europe/Paris',
      '#datatype dateTime:2006-01-02 15:04:05.000,"long:.,",unsignedLong,tag',
      't,l,u,k',
      '2024-07-01 12:00:00.250,"1,234,567",18446744073709551615,a',
      '',
    ].join('\n')
    const zones = await dryRun('zones.csv', csv)
    assert.equal(zones.lp, 'm,k=a l=1234567i,u=18446744073709551615u 1719828000250000000\n')
    assert.equal(zones.code, 0, zones.stderr)
    const nano = await dryRun(
      'nano.csv',
      '#datatype measurement,double,dateTime:RFC3339Nano\nm,v,t\nm,1,2024-01-01T00:00:00.123456789+01:00\n',
    )
    assert.equal(nano.lp, 'm v=1 1704063600123456789\n')
    const layoutZone = await dryRun(
      'zone-in-text.csv',
      '#datatype measurement,double,dateTime:02 Jan 2006 15:04 -0700\nm,v,t\nm,1,05 Mar 2024 10:30 +0200\n',
    )
    assert.equal(layoutZone.lp, 'm v=1 1709627400000000000\n')
  })

  test('--header gives the annotations of a CSV without them; -p s converts RFC 3339 times', async () => {
    const path = await cli.file('plain-with-header.csv', 'cpu,h1,1.5,2020-01-01T00:00:01Z\n')
    const result = await runCli([
      'write',
      ...cli.connection(),
      '-p',
      's',
      '--header',
      '#datatype measurement,tag,double,dateTime:RFC3339',
      '--header',
      'm,host,v,time',
      path,
    ])
    assert.equal(result.stderr, '')
    assert.equal(result.code, 0)
    assert.deepEqual(cli.held(), ['cpu,host=h1 v=1.5 1577836801000000000'])
  })

  test('a row that cannot be written is refused with its reason (a long with a fraction is not truncated); the others are written; exit 3', async () => {
    const path = await cli.file(
      'refusals.csv',
      '#datatype measurement,long,dateTime:number\nm,n,time\nm,1,1\nm,2.5,2\nm,abc,3\nm,4,4\n',
    )
    const result = await runCli(['write', ...cli.connection(), path])
    assert.equal(result.code, 3)
    assert.equal(
      firstLine(result.stderr),
      `rejected ${path}:4: column "n": "2.5" has a fraction; long is an integer type`,
    )
    assert.deepEqual(cli.held(), ['m n=1i 1', 'm n=4i 4'])
  })

  test('an unsupported annotation stops the run naming it and its line; exit 1', async () => {
    const path = await cli.file('unknown.csv', '#datatype measurement,double\n#unit ,m/s\nm,v\nm,1\n')
    const result = await runCli(['write', ...cli.connection(), path])
    assert.equal(result.code, 1)
    assert.equal(
      firstLine(result.stderr),
      `influx-async: ${path}: line 2: unsupported annotation "#unit" (supported: #datatype, #default, #constant, #timezone, #group)`,
    )
  })

  test('the flags of plain CSV do not apply to annotated CSV: said at once', async () => {
    const path = await cli.file('both.csv', DOCS_CSV)
    const result = await runCli(['write', ...cli.connection(), '-m', 'x', path])
    assert.equal(result.code, 1)
    assert.equal(
      firstLine(result.stderr),
      `influx-async: ${path} is annotated CSV, where --measurement do not apply: say it with annotations (#constant measurement,<name>, #datatype tag / dateTime:<format> / long, #timezone)`,
    )
    assert.deepEqual(cli.held(), [])
  })

  test('plain CSV keeps its flags; without -m or annotations it is a usage error before the server is contacted', async () => {
    const path = await cli.file('plain.csv', 'st,v\na,1\n')
    const result = await runCli(['write', ...cli.connection(), path])
    assert.equal(result.code, 2)
    assert.equal(
      firstLine(result.stderr),
      `influx-async: CSV input needs --measurement (-m), the measurement of every row, or annotations (${path} has none)`,
    )
    const written = await runCli(['write', ...cli.connection(), '-m', 'w', '--tag-columns', 'st', path])
    assert.equal(written.code, 0, written.stderr)
    assert.deepEqual(
      cli.held().map((p) => p.replace(/ \d+$/, '')),
      ['w,st=a v=1'],
    )
  })
})
