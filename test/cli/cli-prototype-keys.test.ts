// Column and key names like `__proto__`, `constructor` or `toString` are legal InfluxDB keys: the
// CLI's CSV and NDJSON write them as given, and a flag that names one the input lacks finds nothing.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { runCli, summaryOf } from './run-cli.js'
import { useCliServer } from './server-fixture.js'

const BUCKET = 'proto-bucket'
const cli = useCliServer(BUCKET, 'proto')

test('CSV: prototype-named columns as tags, pinned and inferred fields', async () => {
  const path = await cli.file(
    'proto.csv',
    'time,__proto__,constructor,toString,valueOf,hasOwnProperty\n1,p,c,5,1.5,x\n2,q,d,6,2.5,y\n',
  )
  const result = await runCli([
    'write',
    ...cli.connection(),
    '-m',
    'm',
    '--tag-columns',
    '__proto__,constructor',
    '--timestamp-column',
    'time',
    '--field-types',
    'toString=int',
    path,
  ])
  assert.equal(result.stderr, '')
  assert.equal(summaryOf(result.stdout), 'written: 2 points, rejected: 0, <s>, <rate>\n')
  assert.deepEqual(
    cli.writeRequests().map((r) => r.body),
    [
      'm,__proto__=p,constructor=c hasOwnProperty="x",toString=5i,valueOf=1.5 1\nm,__proto__=q,constructor=d hasOwnProperty="y",toString=6i,valueOf=2.5 2',
    ],
  )
})

test('NDJSON: prototype-named keys, flat and nested, as tags and fields', async () => {
  const path = await cli.file(
    'proto.ndjson',
    [
      '{"measurement":"m","__proto__":"p","constructor":"c","toString":5,"valueOf":1.5,"time":1}',
      '{"measurement":"m","tags":{"__proto__":"q","hasOwnProperty":"h"},"fields":{"__proto__":2,"toString":6},"time":2}',
      // No tag named by --tag-columns on this line: nothing is read from Object.prototype.
      '{"measurement":"m","toString":7,"time":3}',
    ].join('\n'),
  )
  const result = await runCli([
    'write',
    ...cli.connection(),
    '--tag-columns',
    '__proto__,constructor',
    '--field-types',
    'toString=int',
    path,
  ])
  assert.equal(result.stderr, '')
  assert.equal(summaryOf(result.stdout), 'written: 3 points, rejected: 0, <s>, <rate>\n')
  assert.deepEqual(
    cli.writeRequests().map((r) => r.body),
    [
      'm,__proto__=p,constructor=c toString=5i,valueOf=1.5 1\nm,__proto__=q,hasOwnProperty=h __proto__=2,toString=6i 2\nm toString=7i 3',
    ],
  )
})
