import { after, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { appendFileSync, mkdtempSync, readFileSync, rmSync, truncateSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ChunkedVector, float64Vector } from '../../src/testing/chunked.js'
import { parseLineProtocol } from '../../src/testing/line-parser.js'
import { BucketStorage } from '../../src/testing/storage.js'
import { matcherFor, parsePredicate } from '../../src/testing/predicate.js'
import { startTestServer } from '../../src/testing/index.js'
import fc from 'fast-check'
import { send, write } from './http.js'
import { InfluxDBClientAsync } from '../../src/index.js'

const parse = (text: string) => parseLineProtocol(text, { precision: 'ns', now: 0n }).points

describe('ChunkedVector', () => {
  test('get and forEach see every pushed value across chunk boundaries', () => {
    const vector = float64Vector()
    const n = 100_000
    for (let i = 0; i < n; i++) vector.push(i * 0.5)
    assert.equal(vector.length, n)
    for (const i of [0, 31, 32, 95, 96, 32735, 32736, 32737, 49119, 49120, n - 1])
      assert.equal(vector.get(i), i * 0.5, String(i))
    let sum = 0
    let count = 0
    vector.forEach((v, i) => {
      assert.equal(v, i * 0.5)
      sum += v
      count++
    })
    assert.equal(count, n)
    assert.equal(sum, ((n - 1) * n) / 4)
  })

  test('works for any slab type', () => {
    const strings = new ChunkedVector<string>((size) => new Array<string>(size).fill(''))
    for (let i = 0; i < 40; i++) strings.push(`s${i}`)
    assert.equal(strings.get(39), 's39')
  })
})

describe('BucketStorage', () => {
  test('out-of-order writes come back in time order with duplicates merged', () => {
    const storage = new BucketStorage()
    storage.write(parse('m,t=a v=3 30\nm,t=a v=1 10\nm,t=a w=1 30\nm,t=a v=2 20\nm,t=a v=9 30'))
    assert.deepEqual(
      storage.points().map((p) => [p.time, p.fields]),
      [
        [10n, { v: 1 }],
        [20n, { v: 2 }],
        [30n, { v: 9, w: 1 }],
      ],
    )
    assert.equal(storage.count(), 3)
  })

  test('a field missing in some rows is absent from those points, and a late new field starts absent', () => {
    const storage = new BucketStorage()
    storage.write(parse('m a=1 1\nm b="x" 2\nm a=3,b="y",c=true 3'))
    assert.deepEqual(
      storage.points().map((p) => p.fields),
      [{ a: 1 }, { b: 'x' }, { a: 3, b: 'y', c: true }],
    )
  })

  test('a line naming a field twice keeps the last value', () => {
    const storage = new BucketStorage()
    storage.write(parse('m a=1,a=2 1'))
    assert.deepEqual(storage.points()[0].fields, { a: 2 })
  })

  test('any order of writes gives what a field-by-field merge gives (property)', () => {
    const write = fc.record({
      time: fc.integer({ min: 0, max: 20 }),
      field: fc.constantFrom('a', 'b', 'c'),
      value: fc.integer({ min: -9, max: 9 }),
    })
    fc.assert(
      fc.property(
        fc.array(fc.array(write, { minLength: 1, maxLength: 30 }), { minLength: 1, maxLength: 4 }),
        (batches) => {
          const storage = new BucketStorage()
          const expected = new Map<number, Record<string, number>>()
          for (const [i, batch] of batches.entries()) {
            storage.write(parse(batch.map((w) => `m ${w.field}=${w.value} ${w.time}`).join('\n')))
            for (const w of batch) expected.set(w.time, { ...expected.get(w.time), [w.field]: w.value })
            // Reading in between normalizes, and later batches must still merge correctly.
            if (i % 2 === 0) storage.count()
          }
          const want = [...expected].sort(([a], [b]) => a - b).map(([time, fields]) => [BigInt(time), fields])
          assert.deepEqual(
            storage.points().map((p) => [p.time, p.fields]),
            want,
          )
        },
      ),
      { numRuns: 200 },
    )
  })

  test('many rows in reverse order are sorted through the columns', () => {
    const storage = new BucketStorage()
    const n = 200_000
    for (let chunk = 0; chunk < 10; chunk++) {
      const lines: string[] = []
      for (let i = 0; i < n / 10; i++) {
        const t = n - (chunk * (n / 10) + i)
        lines.push(`m v=${t}i ${t}`)
      }
      storage.write(parse(lines.join('\n')))
    }
    storage.write(parse('m w=1 5'))
    assert.equal(storage.count(), n)
    assert.deepEqual(
      storage.points({ start: 4n, stop: 6n }).map((p) => [p.time, p.fields]),
      [
        [4n, { v: 4n }],
        [5n, { v: 5n, w: 1 }],
        [6n, { v: 6n }],
      ],
    )
  })

  test('deletes remove exactly the matching fields in the inclusive range (property)', () => {
    const point = fc.record({
      host: fc.constantFrom('a', 'b'),
      time: fc.integer({ min: 0, max: 9 }),
      field: fc.constantFrom('x', 'y'),
      value: fc.integer({ min: 0, max: 9 }),
    })
    const predicate = fc.constantFrom(
      '',
      'host=a',
      'host!=a',
      '_measurement=m',
      '_measurement=other',
      'host=b AND _field!=x',
      '_field!=y',
    )
    fc.assert(
      fc.property(
        fc.array(point, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 0, max: 9 }),
        predicate,
        (points, a, b, text) => {
          const storage = new BucketStorage()
          storage.write(parse(points.map((p) => `m,host=${p.host} ${p.field}=${p.value} ${p.time}`).join('\n')))
          const [start, stop] = [BigInt(Math.min(a, b)), BigInt(Math.max(a, b))]
          storage.delete(start, stop, matcherFor(parsePredicate(text)))
          const model = new Map<string, Record<string, number>>()
          for (const p of points) {
            const key = `${p.host}@${p.time}`
            model.set(key, { ...model.get(key), [p.field]: p.value })
          }
          const rules = parsePredicate(text)
          const want = [...model]
            .map(([key, fields]) => {
              const [host, time] = key.split('@') as [string, string]
              const inRange = BigInt(time) >= start && BigInt(time) <= stop
              const kept = Object.fromEntries(
                Object.entries(fields).filter(([field]) => {
                  const values: Record<string, string> = { host, _measurement: 'm', _field: field }
                  const hit = rules.every((r) => (r.operator === '=') === (values[r.key] === r.value))
                  return !(inRange && hit)
                }),
              )
              return [host, BigInt(time), kept] as const
            })
            .filter(([, , kept]) => Object.keys(kept).length > 0)
            .sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : Number(x[1] - y[1])))
          assert.deepEqual(
            storage.points().map((p) => [p.tags.host, p.time, p.fields]),
            want.map((w) => [...w]),
          )
        },
      ),
      { numRuns: 300 },
    )
  })

  test('exact 64-bit values survive', () => {
    const storage = new BucketStorage()
    storage.write(parse('m i=-9223372036854775808i,u=18446744073709551615u,f=5e-324 -9223372036854775806'))
    const [point] = storage.points()
    assert.deepEqual(point.fields, { i: -9223372036854775808n, u: 18446744073709551615n, f: 5e-324 })
    assert.equal(point.time, -9223372036854775806n)
  })
})

describe('BucketStorage retention', () => {
  const NOW = 1_700_000_000_123_456_789n // 2023-11-14T22:13:20.123456789Z

  test('points before now minus the period are dropped and named in Go formats, first met on a tie', () => {
    const storage = new BucketStorage()
    const bound = NOW - 90_061_000_000_000n
    const body = [
      `m,t=new v=1 ${bound}`,
      'm,t=first v=2 -1500000000',
      'm,t=second v=3 -1500000000',
      `m,t=late v=4 ${bound - 1n}`,
      `m,t=last v=5 ${bound - 1n}`,
    ].join('\n')
    const outcome = storage.write(parse(body), { seconds: 90_061, now: NOW })
    const why = 'dropped because it violates a Retention Policy Lower Bound at 2023-11-13T21:12:19.123456789Z'
    assert.deepEqual(outcome, {
      written: 1,
      dropped: 0,
      expired: {
        count: 4,
        reason:
          'dropped 4 points outside retention policy of duration 25h1m1s - ' +
          `oldest point m,t=first at 1969-12-31T23:59:58.5Z ${why}, newest point m,t=late at 2023-11-13T21:12:19.123456788Z ${why}`,
      },
    })
    assert.deepEqual(
      storage.points().map((p) => p.tags.t),
      ['new'],
    )
  })

  test('short periods print as Go durations do', () => {
    for (const [seconds, text] of [
      [59, '59s'],
      [60, '1m0s'],
      [3600, '1h0m0s'],
      [604800, '168h0m0s'],
    ] as const) {
      const outcome = new BucketStorage().write(parse('m v=1 0'), { seconds, now: NOW })
      assert.match(
        outcome.expired!.reason,
        new RegExp(`^dropped 1 points outside retention policy of duration ${text} - `),
      )
    }
  })

  test('a string of exactly 1048576 bytes is stored; one byte more drops the point', () => {
    const storage = new BucketStorage()
    const outcome = storage.write(parse(`m s="${'€'.repeat(349525)}a" 1\nm s="${'€'.repeat(349525)}ab" 2`))
    assert.deepEqual(outcome, {
      written: 1,
      dropped: 1,
      reason: 'input field "s" on measurement "m" is too long, 1048577 > 1048576',
    })
  })
})

describe('persistence (persistPath)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'h6-journal-'))
  after(() => rmSync(dir, { recursive: true, force: true }))

  test('writes, deletes, new buckets and server-stamped times survive a restart', async () => {
    const path = join(dir, 'journal.log')
    const first = await startTestServer({ persistPath: path })
    first.createBucket('extra')
    await write(first, 'm,t=a v=1 1\nm,t=a v=2 2\nm,t=b v=3 3\nnow v=1')
    await write(first, 'x f=1 1', 'org=test-org&bucket=extra')
    await write(first, 'm v=1i 9')
    await send(
      first,
      'POST',
      '/api/v2/delete?org=test-org&bucket=test-bucket',
      JSON.stringify({
        start: '1970-01-01T00:00:00Z',
        stop: '1970-01-01T00:00:01Z',
        predicate: 't=a',
      }),
    )
    const before = first.points('test-bucket')
    await first.close()

    const second = await startTestServer({ persistPath: path })
    try {
      assert.deepEqual(second.points('test-bucket'), before)
      assert.equal(
        second.points('test-bucket').find((p) => p.measurement === 'now')!.time,
        before.find((p) => p.measurement === 'now')!.time,
      )
      assert.equal(second.count('extra'), 1)
      const conflict = await write(second, 'm v=1i 10')
      assert.equal(conflict.status, 422, 'the field types were restored too')
    } finally {
      await second.close()
    }
  })

  test('reset is journaled', async () => {
    const path = join(dir, 'reset.log')
    const first = await startTestServer({ persistPath: path })
    await write(first, 'm v=1 1')
    first.reset()
    await write(first, 'm v=2 2')
    await first.close()
    const second = await startTestServer({ persistPath: path })
    try {
      assert.deepEqual(
        second.points('test-bucket').map((p) => p.time),
        [2n],
      )
    } finally {
      await second.close()
    }
  })

  test('a torn last entry is cut off and later appends stay readable', async () => {
    const path = join(dir, 'torn.log')
    const first = await startTestServer({ persistPath: path })
    await write(first, 'm v=1 1')
    await first.close()
    const intact = readFileSync(path).length
    appendFileSync(path, '{"op":"write","bucket":"x","precision":"ns","now":"0","length":100}\nm v=')
    const warnings: string[] = []
    const onWarning = (warning: Error): void => void warnings.push(warning.message)
    process.on('warning', onWarning)
    const second = await startTestServer({ persistPath: path })
    await new Promise((resolve) => setImmediate(resolve))
    process.off('warning', onWarning)
    assert.deepEqual(warnings, [`${path}: dropped 72 bytes of an incomplete last journal entry`])
    await write(second, 'm v=2 2')
    await second.close()
    assert.ok(readFileSync(path).length > intact)
    const third = await startTestServer({ persistPath: path })
    try {
      assert.deepEqual(
        third.points('test-bucket').map((p) => p.time),
        [1n, 2n],
      )
    } finally {
      await third.close()
    }
    truncateSync(path, 0)
  })
})

test('points(): tags and fields named like Object.prototype members are read back whole', async () => {
  const server = await startTestServer({ port: 0, token: 't', org: 'o', buckets: ['b'] })
  const client = new InfluxDBClientAsync({ url: server.url, token: 't', org: 'o' })
  try {
    await client.writeApi().write('b', 'o', 'm,__proto__=p,constructor=c __proto__=1i,toString=2,valueOf="v" 1')
    const [point] = server.points('b')
    assert.deepEqual(Object.entries(point.tags), [
      ['__proto__', 'p'],
      ['constructor', 'c'],
    ])
    assert.deepEqual(Object.entries(point.fields), [
      ['__proto__', 1n],
      ['toString', 2],
      ['valueOf', 'v'],
    ])
    assert.deepEqual(Object.entries(point.fieldTypes), [
      ['__proto__', 'integer'],
      ['toString', 'float'],
      ['valueOf', 'string'],
    ])
  } finally {
    await client.close()
    await server.close()
  }
})
