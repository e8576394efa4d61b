import { after, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { appendFileSync, mkdtempSync, readFileSync, rmSync, truncateSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ChunkedVector, float64Vector } from '../../src/testing/chunked.js'
import { parseLineProtocol } from '../../src/testing/line-protocol.js'
import { BucketStorage } from '../../src/testing/storage.js'
import { startTestServer } from '../../src/testing/index.js'
import { send, write } from './http.js'

const parse = (text: string) => parseLineProtocol(text, { precision: 'ns', now: 0n }).points

describe('ChunkedVector', () => {
  test('get and forEach see every pushed value across chunk boundaries', () => {
    const vector = float64Vector()
    const n = 100_000
    for (let i = 0; i < n; i++) vector.push(i * 0.5)
    assert.equal(vector.length, n)
    for (const i of [0, 31, 32, 95, 96, 32735, 32736, 32737, 49119, 49120, n - 1]) assert.equal(vector.get(i), i * 0.5, String(i))
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
      [[10n, { v: 1 }], [20n, { v: 2 }], [30n, { v: 9, w: 1 }]],
    )
    assert.equal(storage.count(), 3)
  })

  test('a field missing in some rows is absent from those points, and a late new field starts absent', () => {
    const storage = new BucketStorage()
    storage.write(parse('m a=1 1\nm b="x" 2\nm a=3,b="y",c=true 3'))
    assert.deepEqual(storage.points().map((p) => p.fields), [{ a: 1 }, { b: 'x' }, { a: 3, b: 'y', c: true }])
  })

  test('a line naming a field twice keeps the last value', () => {
    const storage = new BucketStorage()
    storage.write(parse('m a=1,a=2 1'))
    assert.deepEqual(storage.points()[0]!.fields, { a: 2 })
  })

  test('exact 64-bit values survive', () => {
    const storage = new BucketStorage()
    storage.write(parse('m i=-9223372036854775808i,u=18446744073709551615u,f=5e-324 -9223372036854775806'))
    const [point] = storage.points()
    assert.deepEqual(point!.fields, { i: -9223372036854775808n, u: 18446744073709551615n, f: 5e-324 })
    assert.equal(point!.time, -9223372036854775806n)
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
    await send(first, 'POST', '/api/v2/delete?org=test-org&bucket=test-bucket', JSON.stringify({
      start: '1970-01-01T00:00:00Z', stop: '1970-01-01T00:00:01Z', predicate: 't=a',
    }))
    const before = first.points('test-bucket')
    await first.close()

    const second = await startTestServer({ persistPath: path })
    try {
      assert.deepEqual(second.points('test-bucket'), before)
      assert.equal(second.points('test-bucket').find((p) => p.measurement === 'now')!.time, before.find((p) => p.measurement === 'now')!.time)
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
      assert.deepEqual(second.points('test-bucket').map((p) => p.time), [2n])
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
    const second = await startTestServer({ persistPath: path })
    await write(second, 'm v=2 2')
    await second.close()
    assert.ok(readFileSync(path).length > intact)
    const third = await startTestServer({ persistPath: path })
    try {
      assert.deepEqual(third.points('test-bucket').map((p) => p.time), [1n, 2n])
    } finally {
      await third.close()
    }
    truncateSync(path, 0)
  })
})
