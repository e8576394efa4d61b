/* eslint-disable @typescript-eslint/only-throw-error -- what is thrown that is not an Error is the point of these tests */
// Hostile input is refused with a RecordError or an InvalidArgumentError that says why, never a
// raw TypeError, RangeError or whatever a Proxy trap threw; legal but deep input is written.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import {
  InfluxDBClientAsync,
  InvalidArgumentError,
  RecordError,
  validatePredicate,
  type WriteRecords,
} from '../../src/index.js'

function capture(): { client: InfluxDBClientAsync; bodies: string[] } {
  const bodies: string[] = []
  const fetch = (_url: string, init: RequestInit): Promise<Response> => {
    bodies.push(init.body instanceof Uint8Array ? new TextDecoder().decode(init.body) : (init.body as string))
    return Promise.resolve(new Response(null, { status: 204 }))
  }
  return { client: new InfluxDBClientAsync({ url: 'http://db.invalid', org: 'o', fetch, retry: false }), bodies }
}

// Typed as records: these objects look like records until a member is read.
function throwingGetter(thrown: unknown): WriteRecords {
  return {
    measurement: 'm',
    get fields(): never {
      throw thrown
    },
  }
}

const THROWN: ReadonlyArray<[string, unknown, string]> = [
  ['undefined', undefined, 'reading it threw undefined'],
  ['a string', 'boom', 'reading it threw "boom"'],
  ['null', null, 'reading it threw null'],
  ['a number', 42, 'reading it threw 42'],
  ['a symbol', Symbol('s'), 'reading it threw Symbol(s)'],
  ['a plain object', { code: 1 }, 'reading it threw an object that is not an Error'],
  ['an Error without a message', new TypeError(), 'TypeError without a message'],
]

async function recordError(run: () => unknown): Promise<RecordError> {
  try {
    await run()
  } catch (error) {
    assert.ok(error instanceof RecordError, `expected a RecordError, got ${String(error)}`)
    return error
  }
  assert.fail('expected a RecordError')
}

describe('a getter that throws something that is not an Error', () => {
  for (const [name, thrown, reason] of THROWN) {
    test(`${name}: write(), in an array and alone, and a BatchWriter's write() and add()`, async () => {
      const { client, bodies } = capture()
      const api = client.writeApi()
      const inArray = await recordError(() => api.write('b', 'o', ['m v=1 1', throwingGetter(thrown)]))
      assert.equal(inArray.message, `record [1]: ${reason}`)
      assert.equal(inArray.cause, thrown)
      assert.equal((await recordError(() => api.write('b', 'o', throwingGetter(thrown)))).message, `record: ${reason}`)
      const writer = api.batchWriter({ bucket: 'b' })
      assert.equal((await recordError(() => writer.write([throwingGetter(thrown)]))).message, `record [0]: ${reason}`)
      assert.equal((await recordError(() => writer.add(throwingGetter(thrown)))).message, `record: ${reason}`)
      await writer.close()
      assert.deepEqual(bodies, [])
    })
  }
})

describe('Proxies whose traps throw', () => {
  const trapError = new Error('trap!')
  const cases: ReadonlyArray<[string, () => WriteRecords, string]> = [
    [
      'getPrototypeOf throws an Error',
      () =>
        new Proxy<WriteRecords & object>({} as WriteRecords & object, {
          getPrototypeOf: () => {
            throw trapError
          },
        }),
      'trap!',
    ],
    [
      'getPrototypeOf throws undefined',
      () =>
        new Proxy<WriteRecords & object>({} as WriteRecords & object, {
          getPrototypeOf: () => {
            throw undefined
          },
        }),
      'reading it threw undefined',
    ],
    [
      'get throws a string',
      () =>
        new Proxy(
          { measurement: 'm', fields: { v: 1 } },
          {
            get: () => {
              throw 'get trap'
            },
          },
        ),
      'reading it threw "get trap"',
    ],
  ]
  for (const [name, make, reason] of cases) {
    test(`${name}: a RecordError naming the record, in write() and a BatchWriter`, async () => {
      const { client, bodies } = capture()
      const api = client.writeApi()
      assert.equal((await recordError(() => api.write('b', 'o', ['m v=1 1', make()]))).message, `record [1]: ${reason}`)
      assert.equal((await recordError(() => api.write('b', 'o', make()))).message, `record: ${reason}`)
      const writer = api.batchWriter({ bucket: 'b' })
      assert.equal((await recordError(() => writer.write(make()))).message, `record: ${reason}`)
      assert.equal((await recordError(() => writer.write([make()]))).message, `record [0]: ${reason}`)
      await writer.close()
      assert.deepEqual(bodies, [])
    })
  }

  test('an array Proxy whose get trap throws names the item', async () => {
    const { client } = capture()
    const items = new Proxy(['m v=1 1', 'm v=2 2'], {
      get: (target, key): unknown => {
        if (key === '1') throw 'no'
        return Reflect.get(target, key) as unknown
      },
    })
    assert.equal(
      (await recordError(() => client.writeApi().write('b', 'o', items))).message,
      'record [1]: reading it threw "no"',
    )
  })
})

describe('deep input', () => {
  test('an async iterable nested 40 arrays deep is written', async () => {
    async function* lines(): AsyncGenerator<string> {
      await Promise.resolve()
      yield 'm v=1 1'
      yield 'm v=2 2'
    }
    const nest = (value: WriteRecords): WriteRecords => {
      for (let i = 0; i < 40; i++) value = [value]
      return value
    }
    const { client, bodies } = capture()
    assert.equal(await client.writeApi().write('b', 'o', nest(lines())), true)
    const writer = client.writeApi().batchWriter({ bucket: 'b' })
    await writer.write(nest(lines()))
    await writer.close()
    assert.deepEqual(bodies, ['m v=1 1\nm v=2 2', 'm v=1 1\nm v=2 2'])
  })

  test('a predicate nested deeper than 1000 parentheses is refused with the limit; 1000 levels pass', async () => {
    const nested = (depth: number): string => `${'('.repeat(depth)}a="b"${')'.repeat(depth)}`
    assert.doesNotThrow(() => validatePredicate(nested(1000)))
    for (const depth of [1001, 20_000]) {
      assert.throws(
        () => validatePredicate(nested(depth)),
        (error: unknown) => {
          assert.ok(error instanceof InvalidArgumentError, String(error))
          assert.equal(
            error.message,
            `predicate: parentheses nested deeper than 1000 levels at position 1000 (this client's limit) in a predicate of ${depth * 2 + 5} characters`,
          )
          return true
        },
      )
    }
    const { client, bodies } = capture()
    await assert.rejects(
      client.deleteApi().delete(new Date(0), new Date(1000), nested(20_000), 'b'),
      InvalidArgumentError,
    )
    assert.deepEqual(bodies, [])
  })
})

test('the embedded test server answers a predicate nested 20000 deep with a 400 naming the limit', async () => {
  const { startTestServer } = await import('../../src/testing/index.js')
  const server = await startTestServer({ port: 0, token: 't', org: 'o', buckets: ['b'] })
  try {
    const predicate = `${'('.repeat(20_000)}a="b"${')'.repeat(20_000)}`
    const response = await fetch(`${server.url}/api/v2/delete?org=o&bucket=b`, {
      method: 'POST',
      headers: { authorization: 'Token t', 'content-type': 'application/json' },
      body: JSON.stringify({ start: '1970-01-01T00:00:00Z', stop: '2000-01-01T00:00:00Z', predicate }),
    })
    assert.equal(response.status, 400)
    assert.match(await response.text(), /parentheses nested deeper than 1000 levels at position 1000/)
  } finally {
    await server.close()
  }
})
