import { beforeEach, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { send, useServer, write } from './http.js'
import { parsePredicate } from '../../src/testing/predicate.js'
import { parseRfc3339Nano } from '../../src/testing/rfc3339.js'

const server = useServer({ tokens: [{ token: 'reader', permissions: 'read' }] })
beforeEach(() => server().reset())

const error = (code: string, message: string) => ({ code, message })
const del = (body: unknown, query = 'org=test-org&bucket=test-bucket', headers?: Record<string, string>) =>
  send(server(), 'POST', `/api/v2/delete?${query}`, typeof body === 'string' ? body : JSON.stringify(body), headers)
const range = { start: '1970-01-01T00:00:00Z', stop: '1970-01-01T00:00:10Z' }

async function seed(): Promise<void> {
  const lines = []
  for (const host of ['a', 'b'])
    for (let s = 1; s <= 5; s++) lines.push(`cpu,host=${host} v=${s},w=${s * 10} ${s}000000000`)
  lines.push('mem,host=a v=1 3000000000', 'my\\ m,t\\ k=x\\ y v=1 3000000000')
  assert.equal((await write(server(), lines.join('\n'))).status, 204)
}
const remaining = () =>
  server()
    .points('test-bucket')
    .map((p) => `${p.measurement},${Object.values(p.tags).join(',')}@${p.time / 1_000_000_000n}`)

describe('POST /api/v2/delete', () => {
  test('204; the time range is inclusive at both ends', async () => {
    await seed()
    const answer = await del({
      start: '1970-01-01T00:00:02Z',
      stop: '1970-01-01T00:00:04Z',
      predicate: 'host="a" AND _measurement="cpu"',
    })
    assert.equal(answer.status, 204)
    assert.equal(answer.text, '')
    assert.deepEqual(remaining(), [
      'cpu,a@1',
      'cpu,a@5',
      'cpu,b@1',
      'cpu,b@2',
      'cpu,b@3',
      'cpu,b@4',
      'cpu,b@5',
      'mem,a@3',
      'my m,x y@3',
    ])
  })

  test('no predicate deletes everything in the range', async () => {
    await seed()
    assert.equal((await del({ start: '1970-01-01T00:00:03Z', stop: '1970-01-01T00:00:10Z' })).status, 204)
    assert.deepEqual(remaining(), ['cpu,a@1', 'cpu,a@2', 'cpu,b@1', 'cpu,b@2'])
  })

  test('!= and <>, bare and quoted names, parentheses, lower-case and', async () => {
    await seed()
    assert.equal((await del({ ...range, predicate: '(_measurement != cpu) and ("t k" <> "x y")' })).status, 204)
    assert.deepEqual(
      remaining().filter((r) => !r.startsWith('cpu')),
      ['my m,x y@3'],
    )
    assert.equal((await del({ ...range, predicate: '_measurement="my m" AND "t k"="x y"' })).status, 204)
    assert.deepEqual(
      remaining().filter((r) => !r.startsWith('cpu')),
      [],
    )
  })

  test('_field = x answers 501; _field != x deletes the other fields', async () => {
    await seed()
    const answer = await del({ ...range, predicate: '_field="v"' })
    assert.equal(answer.status, 501)
    assert.deepEqual(answer.json, error('not implemented', 'delete by field is not supported'))
    assert.equal((await del({ ...range, predicate: '_measurement=cpu AND host=a AND _field != v' })).status, 204)
    assert.deepEqual(server().points('test-bucket', { tags: { host: 'a' }, measurement: 'cpu' })[0].fields, { v: 1 })
  })

  test('bucket by ID or bucketID; bucketID wins; an ID-looking bucket has no name fallback', async () => {
    await seed()
    const id = server().createBucket('test-bucket')
    assert.equal((await del({ ...range, predicate: 'host=b' }, `org=test-org&bucket=${id}`)).status, 204)
    assert.equal((await del({ ...range, predicate: 'host=a' }, `org=test-org&bucket=nope&bucketID=${id}`)).status, 204)
    assert.deepEqual(remaining(), ['my m,x y@3'])
    const missing = await del(range, 'org=test-org&bucket=0123456789abcdef')
    assert.equal(missing.status, 404)
    assert.deepEqual(missing.json, error('not found', 'bucket not found'))
  })

  test('parameter errors', async () => {
    const cases: Array<[string, number, ReturnType<typeof error>]> = [
      ['org=test-org', 400, error('invalid', 'Please provide either bucketID or bucket')],
      ['bucket=test-bucket', 400, error('invalid', 'Please provide either orgID or org')],
      ['org=nope&bucket=test-bucket', 404, error('not found', 'organization name "nope" not found')],
      ['org=test-org&bucket=nope', 404, error('not found', 'bucket "nope" not found')],
      ['org=test-org&bucketID=123', 400, error('invalid', 'id must have a length of 16 bytes')],
    ]
    for (const [query, status, body] of cases) {
      const answer = await del(range, query)
      assert.equal(answer.status, status, query)
      assert.deepEqual(answer.json, body, query)
    }
  })

  test('401 without a token, 403 for a read-only token', async () => {
    assert.equal((await del(range, undefined, { Authorization: '' })).status, 401)
    const answer = await del(range, undefined, { Authorization: 'Token reader' })
    assert.equal(answer.status, 403)
    assert.deepEqual(answer.json, error('forbidden', 'insufficient permissions to delete'))
  })

  test('time errors, prefixed "error decoding json body: "', async () => {
    const startMessage =
      'invalid RFC3339Nano for field start, please format your time with RFC3339Nano format, example: 2009-01-02T23:00:00Z'
    const stopMessage =
      'invalid RFC3339Nano for field stop, please format your time with RFC3339Nano format, example: 2009-01-01T23:00:00Z'
    const cases: Array<[unknown, string]> = [
      [{ stop: range.stop }, startMessage],
      [{ start: '2020-01-01', stop: range.stop }, startMessage],
      [{ start: '2020-01-01T00:00:00', stop: range.stop }, startMessage],
      [{ start: '2020-01-01T00:00:00+0000', stop: range.stop }, startMessage],
      [{ start: '2020-01-01t00:00:00Z', stop: range.stop }, startMessage],
      [{ start: '2020-02-30T00:00:00Z', stop: range.stop }, startMessage],
      [{ start: range.start }, stopMessage],
      [
        { start: '1677-09-21T00:12:43.145224193Z', stop: range.stop },
        'invalid start time, start time must not be before 1677-09-21T00:12:43.145224194Z',
      ],
      [
        { start: range.start, stop: '2262-04-11T23:47:16.854775807Z' },
        'invalid stop time, stop time must not be after 2262-04-11T23:47:16.854775806Z',
      ],
      ['', 'EOF'],
    ]
    for (const [body, message] of cases) {
      const answer = await del(body)
      assert.equal(answer.status, 400, JSON.stringify(body))
      assert.deepEqual(answer.json, error('invalid', `error decoding json body: ${message}`), JSON.stringify(body))
    }
    const bounds = await del({ start: '1677-09-21T00:12:43.145224194Z', stop: '2262-04-11T23:47:16.854775806Z' })
    assert.equal(bounds.status, 204)
  })

  test('predicate errors (server_contract.md §2.3)', async () => {
    const cases: Array<[string, string]> = [
      ['a=1 OR b=2', 'the logical operator OR is not supported yet at position 4'],
      [' abc="opq" Or gender="male"', 'the logical operator OR is not supported yet at position 11'],
      ['abc=~/^payments/', 'operator: "=~" at position: 3 is not supported yet'],
      ['abc!~/x/', 'operator: "!~" at position: 3 is not supported yet'],
      ['abc>1000', 'invalid operator ">" at position: 3'],
      ['abc >= 1', 'invalid operator ">=" at position: 4'],
      ["host='a'", 'bad tag value: "a", at position 5'],
      ['host=', 'bad tag value: "", at position 5'],
      ['(a=1 and b=2', 'extra ( seen'],
      ['(a=1 and b=2))', 'extra ) seen'],
      ['a=1 , b=2', 'bad logical expression, at position 4'],
      ['1=a', 'bad tag key, at position 0'],
      ['select=1', 'bad logical expression, at position 0'],
      ['host=where', 'bad tag value: "", at position 5'],
    ]
    for (const [predicate, message] of cases) {
      const answer = await del({ ...range, predicate })
      assert.equal(answer.status, 400, predicate)
      assert.deepEqual(answer.json, error('invalid', `error decoding json body: ${message}`), predicate)
    }
  })

  test('predicates that only the InfluxQL pass rejects', async () => {
    const answer = await del({ ...range, predicate: 'a=1 AND' })
    assert.equal(answer.status, 400)
    assert.deepEqual(
      answer.json,
      error(
        'invalid',
        'invalid request; error parsing predicate: found EOF, expected identifier, string, number, bool at line 1, char 8',
      ),
    )
  })
})

describe('predicate parser', () => {
  test('values: identifiers, quoted strings with escapes, numbers, durations, booleans, negatives, keywords', () => {
    assert.deepEqual(
      parsePredicate(
        'a=b and "k y"="v \\"q\\"" AND n=-1221 AND d=2d AND x=1.5 AND t=true AND f=FALSE AND name=x AND "select"="where"',
      ),
      [
        { key: 'a', operator: '=', value: 'b' },
        { key: 'k y', operator: '=', value: 'v "q"' },
        { key: 'n', operator: '=', value: '-1221' },
        { key: 'd', operator: '=', value: '2d' },
        { key: 'x', operator: '=', value: '1.5' },
        { key: 't', operator: '=', value: 'true' },
        { key: 'f', operator: '=', value: 'false' },
        { key: 'name', operator: '=', value: 'x' },
        { key: 'select', operator: '=', value: 'where' },
      ],
    )
    assert.deepEqual(parsePredicate(''), [])
  })
})

describe('RFC3339Nano', () => {
  test('exact nanoseconds, offsets, truncated fractions', () => {
    assert.equal(parseRfc3339Nano('1970-01-01T00:00:00Z'), 0n)
    assert.equal(parseRfc3339Nano('2009-01-02T23:00:00.123456789Z'), 1230937200123456789n)
    assert.equal(parseRfc3339Nano('2009-01-02T23:00:00.1234567891234Z'), 1230937200123456789n)
    assert.equal(parseRfc3339Nano('2009-01-03T01:00:00+02:00'), 1230937200000000000n)
    assert.equal(parseRfc3339Nano('1677-09-21T00:12:43.145224194Z'), -9223372036854775806n)
    assert.equal(parseRfc3339Nano('2262-04-11T23:47:16.854775806Z'), 9223372036854775806n)
    assert.equal(parseRfc3339Nano('2024-02-29T00:00:00Z'), 1709164800000000000n)
    for (const bad of [
      '2023-02-29T00:00:00Z',
      '2020-01-01T24:00:00Z',
      '2020-01-01T00:00:00z',
      '2020-01-01 00:00:00Z',
      '2020-01-01T00:00:00.Z',
    ]) {
      assert.equal(parseRfc3339Nano(bad), undefined, bad)
    }
  })
})
