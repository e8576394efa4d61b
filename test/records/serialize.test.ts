import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { serializeAny, serializeSync, type LineChunk } from '../../src/records/serialize.js'
import type { SerializeContext } from '../../src/records/options.js'
import { Point } from '../../src/line-protocol/point.js'
import { holdsAsyncIterable } from '../../src/records/nested.js'
import { InvalidArgumentError, RecordError } from '../../src/errors.js'

const wide = { maxLines: 1000, maxBytes: 1 << 20 }

function ctx(overrides: Partial<SerializeContext> = {}): SerializeContext {
  return { precision: 'ns', defaultTags: {}, ...overrides }
}

/** A chunk as plain data, after checking that its body is exactly the UTF-8 of its lines joined by \n. */
interface PlainChunk {
  precision: LineChunk['precision']
  lines: string[]
  bytes: number
}

function plain(chunk: LineChunk): PlainChunk {
  const lines = chunk.lines
  assert.deepEqual(chunk.body, new Uint8Array(Buffer.from(lines.join('\n'))))
  assert.equal(chunk.lineCount, lines.length)
  return { precision: chunk.precision, lines, bytes: chunk.bytes }
}

function chunks(record: unknown, context: SerializeContext = ctx(), limits = wide): PlainChunk[] {
  return [...serializeSync(record, context, limits)].map(plain)
}

async function chunksAsync(record: unknown, context: SerializeContext = ctx(), limits = wide): Promise<PlainChunk[]> {
  const out: PlainChunk[] = []
  for await (const chunk of serializeAny(record, context, limits)) out.push(plain(chunk))
  return out
}

function recordError(path: number[], reason: RegExp): (e: unknown) => boolean {
  return (e) => e instanceof RecordError && assert.deepEqual(e.path, path) === undefined && reason.test(e.reason)
}

describe('serializeSync: record kinds and precision groups', () => {
  test('one group per precision in first-seen order; a Point keeps its own precision', () => {
    const at = '2020-01-01T00:00:00Z'
    const records = [
      new Point('m').intField('f', 1).time(at, 's'),
      new Point('m').intField('f', 2).time(at, 'ms'),
      new Point('m').intField('f', 3).time(at),
      { measurement: 'm', fields: { f: 4n }, time: at },
      'raw f=5 1',
    ]
    assert.deepEqual(chunks(records, ctx({ precision: 'us' })), [
      { precision: 's', lines: ['m f=1i 1577836800'], bytes: 17 },
      { precision: 'ms', lines: ['m f=2i 1577836800000'], bytes: 20 },
      { precision: 'us', lines: ['m f=3i 1577836800000000', 'm f=4i 1577836800000000', 'raw f=5 1'], bytes: 57 },
    ])
  })
  test('text: many lines, CRLF, blank and whitespace-only lines dropped, the rest verbatim', () => {
    const text = 'a f=1 1\r\n\n   \n\t\nb,t=x  f=2\n# comment\n  c f=3\n \t# indented comment\n'
    assert.deepEqual(chunks(text)[0]?.lines, ['a f=1 1', 'b,t=x  f=2', '  c f=3'])
    // Nothing but comments: nothing to write.
    assert.deepEqual(chunks('# one\n  # two\n'), [])
  })
  test('text: a line feed inside a quoted string value does not split the line', () => {
    const text = 'a s="x\ny",t="q\\"\n" 1\nb f=1\nc,t=a"b s="\n"'
    assert.deepEqual(chunks(text)[0]?.lines, ['a s="x\ny",t="q\\"\n" 1', 'b f=1', 'c,t=a"b s="\n"'])
  })
  test('bytes: Buffer, Uint8Array and ArrayBuffer as UTF-8; invalid UTF-8 is a RecordError', () => {
    const utf8 = Buffer.from('temp,city=Přerov v=1\nx f=2')
    assert.deepEqual(
      chunks([utf8, new Uint8Array(Buffer.from('y f=3')), Buffer.from('z f=4').buffer.slice(0, 0)])[0]?.lines,
      ['temp,city=Přerov v=1', 'x f=2', 'y f=3'],
    )
    assert.throws(() => chunks(['ok f=1', Uint8Array.of(0x6d, 0xff, 0x20)]), recordError([1], /not valid UTF-8/))
  })
  test('objects and class instances with the record options', () => {
    class Row {
      constructor(
        readonly host: string,
        readonly load: number,
        readonly ts: bigint,
      ) {}
    }
    const options = ctx({
      recordMeasurementName: 'cpu',
      recordTagKeys: ['host'],
      recordFieldKeys: ['load'],
      recordTimeKey: 'ts',
      precision: 's',
    })
    assert.deepEqual(chunks([new Row('a', 0.5, 10n), new Row('b', 1, 11n)], options), [
      { precision: 's', lines: ['cpu,host=a load=0.5 10', 'cpu,host=b load=1 11'], bytes: 43 },
    ])
  })
  test('nested iterables to any depth: arrays, Sets, generators, iterators', () => {
    function* gen(): Generator<unknown> {
      yield 'c f=3'
      yield [new Set(['d f=4', [['e f=5']]])]
    }
    const records = [['a f=1', new Set(['b f=2'])], gen(), ['x f=6', 'y f=7'][Symbol.iterator]()]
    assert.deepEqual(chunks(records)[0]?.lines, ['a f=1', 'b f=2', 'c f=3', 'd f=4', 'e f=5', 'x f=6', 'y f=7'])
  })
  test('nothing to write: null, undefined, empty iterables and blank text give no chunk', () => {
    assert.deepEqual(chunks(null), [])
    assert.deepEqual(chunks(undefined), [])
    assert.deepEqual(chunks([[], new Set(), '', '\n\n'][Symbol.iterator]()), [])
  })
})

describe('default tags', () => {
  test("applied to Points and objects, the record's own tag wins, nothing is mutated", () => {
    const defaultTags = Object.freeze({ id: '132-987-655', customer: 'California Miner' })
    const point = new Point('h2o').tag('id', 'own').field('level', 1)
    const object = { measurement: 'h2o', fields: { level: 1 }, time: 1 }
    const objectCopy = structuredClone(object)
    assert.deepEqual(chunks([point, object, 'raw f=1'], ctx({ defaultTags }))[0]?.lines, [
      'h2o,customer=California\\ Miner,id=own level=1',
      'h2o,customer=California\\ Miner,id=132-987-655 level=1 1',
      'raw f=1',
    ])
    assert.deepEqual(point.tags, { id: 'own' })
    assert.deepEqual(object, objectCopy)
  })
  test('also with recordTagKeys (the reference ignores them there)', () => {
    const options = ctx({
      defaultTags: { dc: 'eu' },
      recordMeasurementKey: 'name',
      recordTagKeys: ['host'],
      recordFieldKeys: ['v'],
    })
    assert.deepEqual(chunks({ name: 'm', host: 'h', v: 1 }, options)[0]?.lines, ['m,dc=eu,host=h v=1'])
  })
})

describe('errors name the record path and the reason', () => {
  test('a point with no fields', () => {
    assert.throws(() => chunks([new Point('a').field('f', 1), new Point('b')]), recordError([1], /^no fields/))
  })
  test('a nested bad value: [3][0]', () => {
    const records = ['a f=1', 'b f=1', 'c f=1', [{ measurement: 'm', fields: { f: {} } }]]
    assert.throws(
      () => chunks(records),
      (e: unknown) =>
        e instanceof RecordError &&
        e.message === 'record [3][0]: field "f": object is not a field value (use a number, bigint, boolean or string)',
    )
  })
  test('an array or iterable that holds itself is refused where it recurs; the same one met twice in a row is not a cycle', async () => {
    const reason = /^the record holds itself/
    const looped: unknown[] = ['m f=1']
    looped.push(looped)
    assert.throws(() => chunks(looped), recordError([1], reason))
    const set = new Set<unknown>(['m f=2'])
    set.add([set])
    assert.throws(() => chunks(['x f=1', set]), recordError([1, 1, 0], reason))
    const box: { generator?: Generator<unknown> } = {}
    box.generator = (function* (): Generator<unknown> {
      yield 'm f=3'
      yield box.generator
    })()
    assert.throws(() => chunks([box.generator]), recordError([0, 1], reason))
    // eslint-disable-next-line @typescript-eslint/require-await -- an async source on purpose, with nothing to wait for
    async function* source(): AsyncGenerator<unknown> {
      yield 'm f=4'
      yield looped
    }
    await assert.rejects(chunksAsync(source()), recordError([1, 1], reason))
    const row = ['m f=5']
    assert.deepEqual(
      chunks([row, row, [row]]).map((c) => c.lines),
      [['m f=5', 'm f=5', 'm f=5']],
    )
  })
  test('a lone record has the path []', () => {
    assert.throws(
      () => chunks({ measurement: 'm' }),
      (e: unknown) => e instanceof RecordError && e.message.startsWith('record: no fields'),
    )
  })
  test('unsupported record types', () => {
    assert.throws(() => chunks(5), recordError([], /unsupported record type number/))
    assert.throws(() => chunks(['a f=1', null]), recordError([1], /unsupported record type null/))
    assert.throws(() => chunks([[undefined]]), recordError([0, 0], /unsupported record type undefined/))
    assert.throws(() => chunks([new Date()]), recordError([0], /unsupported record type Date/))
    assert.throws(() => chunks([Promise.resolve(1)]), recordError([0], /Promise \(await it first\)/))
    assert.throws(() => chunks([new Map([['a', 'b']])]), recordError([0], /a Map is not a record/))
    assert.throws(() => chunks([Symbol('s')]), recordError([0], /unsupported record type symbol/))
    assert.throws(() => chunks([Int32Array.of(1)]), recordError([0], /unsupported record type Int32Array/))
  })
  test('missing measurement and bad time in objects', () => {
    assert.throws(() => chunks([{ fields: { f: 1 } }]), recordError([0], /missing measurement/))
    assert.throws(
      () => chunks([{ measurement: 'm', fields: { f: 1 }, time: 'soon' }]),
      recordError([0], /"soon" is not a valid date-time/),
    )
    assert.throws(() => chunks([new Point('m').field('f', 1).time(10n ** 19n)]), recordError([0], /outside the range/))
  })
  test('a generator is closed (its finally runs) when serialisation fails', () => {
    let closed = false
    function* gen(): Generator<unknown> {
      try {
        yield 'a f=1'
        yield 7
        yield 'never'
      } finally {
        closed = true
      }
    }
    assert.throws(() => chunks([gen()]), recordError([0, 1], /number/))
    assert.equal(closed, true)
  })
  test("an error thrown by the caller's iterable passes through unchanged", () => {
    const boom = new Error('boom')
    function* gen(): Generator<unknown> {
      yield 'a f=1'
      throw boom
    }
    assert.throws(
      () => chunks(gen()),
      (e: unknown) => e === boom,
    )
  })
})

describe('chunk limits', () => {
  test('maxLines: full chunks in order, then the rest', () => {
    const lines = Array.from({ length: 7 }, (_, i) => `m f=${i}`)
    assert.deepEqual(
      chunks(lines, ctx(), { maxLines: 3, maxBytes: 1 << 20 }).map((c) => c.lines.length),
      [3, 3, 1],
    )
  })
  test('maxBytes counts UTF-8 bytes and the joining newlines; a chunk never passes it', () => {
    // 'é f=1' is 6 bytes; two lines joined are 13 bytes.
    const lines = ['é f=1', 'é f=2', 'é f=3']
    const out = chunks(lines, ctx(), { maxLines: 100, maxBytes: 13 })
    assert.deepEqual(out, [
      { precision: 'ns', lines: ['é f=1', 'é f=2'], bytes: 13 },
      { precision: 'ns', lines: ['é f=3'], bytes: 6 },
    ])
    assert.equal(Buffer.byteLength(out[0]?.lines.join('\n') ?? ''), 13)
    const over = chunks(lines, ctx(), { maxLines: 100, maxBytes: 12 })
    assert.deepEqual(
      over.map((c) => c.lines),
      [['é f=1'], ['é f=2'], ['é f=3']],
    )
  })
  test('a line longer than maxBytes gets a chunk of its own', () => {
    const out = chunks(['a f=1', 'long f="0123456789"', 'b f=2'], ctx(), { maxLines: 100, maxBytes: 8 })
    assert.deepEqual(
      out.map((c) => c.lines),
      [['a f=1'], ['long f="0123456789"'], ['b f=2']],
    )
  })
  test('bytes agree with the encoded body for 1- to 4-byte characters', () => {
    assert.equal(chunks('m s="😀"')[0]?.bytes, 10)
    const lines = ['ascii f=1', 'é,ü=ß f=2', '温度 s="東京"', 'm s="😀 naïve — ✓"']
    const out = chunks(lines)[0]
    assert.equal(out.bytes, Buffer.byteLength(out.lines.join('\n')))
  })
  test('text with a lone UTF-16 surrogate is refused (UTF-8 would turn it into U+FFFD)', () => {
    assert.throws(() => chunks(['a f=1', 'lone s="\ud800x"']), recordError([1], /lone UTF-16 surrogate/))
    assert.throws(
      () => chunks([new Point('m').field('f', 1), { measurement: 'm', fields: { s: 'x\udfff' } }]),
      recordError([1], /^field "s": .*lone UTF-16 surrogate/),
    )
  })
  test('chunks of one precision keep record order across precisions', () => {
    const records = [
      new Point('a').field('f', 1).time(1n, 's'),
      'b f=1',
      new Point('c').field('f', 1).time(2n, 's'),
      'd f=1',
      new Point('e').field('f', 1).time(3n, 's'),
    ]
    const out = chunks(records, ctx(), { maxLines: 2, maxBytes: 1 << 20 })
    assert.deepEqual(
      out.map((c) => [c.precision, c.lines]),
      [
        ['s', ['a f=1 1', 'c f=1 2']],
        ['ns', ['b f=1', 'd f=1']],
        ['s', ['e f=1 3']],
      ],
    )
  })
  test('limits below 1 are refused', () => {
    assert.throws(() => chunks('a f=1', ctx(), { maxLines: 0, maxBytes: 10 }), InvalidArgumentError)
  })
})

describe('async iterables', () => {
  test('serializeSync refuses an async iterable, naming its position; holdsAsyncIterable finds one in arrays and Sets', () => {
    // eslint-disable-next-line @typescript-eslint/require-await -- an async source on purpose, with nothing to wait for
    async function* gen(): AsyncGenerator<string> {
      yield 'a f=1'
    }
    assert.equal(holdsAsyncIterable(gen()), true)
    assert.equal(holdsAsyncIterable([gen()]), true)
    // Found after a nested container that holds none: the scan goes on past it.
    assert.equal(holdsAsyncIterable([['a f=1'], new Point('m').floatField('f', 1), new Set([gen()])]), true)
    assert.equal(holdsAsyncIterable([['a f=1'], new Set(['b f=1'])]), false)
    // An array that holds itself twice: each container is looked into once (it was 2^32 visits).
    const twice: unknown[] = ['a f=1']
    twice.push(twice, twice)
    assert.equal(holdsAsyncIterable(twice), false)
    const shared = ['a f=1']
    assert.equal(holdsAsyncIterable(Array.from({ length: 64 }, () => [shared, shared, [shared, gen()]])), true)
    assert.equal(holdsAsyncIterable('a f=1'), false)
    // A generator is not looked into: that would consume it.
    assert.equal(
      holdsAsyncIterable(
        (function* () {
          yield gen()
        })(),
      ),
      false,
    )
    const reason =
      'an async iterable yielded by a sync iterable (a generator, …) cannot be written: yield it from an async generator, or pass it in an array'
    assert.throws(
      () => chunks(gen()),
      (e: unknown) => e instanceof RecordError && e.reason === reason && e.path.length === 0,
    )
    assert.throws(
      () => chunks(['x f=1', gen()]),
      (e: unknown) => e instanceof RecordError && e.message === `record [1]: ${reason}`,
    )
    assert.throws(
      () =>
        chunks(
          (function* () {
            yield 'x f=1'
            yield gen()
          })(),
        ),
      (e: unknown) => e instanceof RecordError && e.message === `record [1]: ${reason}`,
    )
  })
  test('streamed in bounded chunks: never more than one chunk of lines read ahead', async () => {
    let produced = 0
    // eslint-disable-next-line @typescript-eslint/require-await -- an async source on purpose, with nothing to wait for
    async function* source(): AsyncGenerator<Point> {
      for (let i = 0; i < 1000; i++) {
        produced++
        yield new Point('m').intField('i', i)
      }
    }
    let consumed = 0
    let maxAhead = 0
    for await (const chunk of serializeAny(source(), ctx(), { maxLines: 50, maxBytes: 1 << 20 })) {
      maxAhead = Math.max(maxAhead, produced - consumed)
      assert.equal(chunk.lines[0], `m i=${consumed}i`)
      consumed += chunk.lines.length
    }
    assert.equal(consumed, 1000)
    assert.ok(maxAhead <= 50, `read ${maxAhead} records ahead`)
  })
  test('async iterables nested anywhere, mixed with sync ones', async () => {
    // eslint-disable-next-line @typescript-eslint/require-await -- an async source on purpose, with nothing to wait for
    async function* inner(): AsyncGenerator<unknown> {
      yield 'b f=2'
      yield ['c f=3', new Set(['d f=4'])]
    }
    // eslint-disable-next-line @typescript-eslint/require-await -- an async source on purpose, with nothing to wait for
    async function* outer(): AsyncGenerator<unknown> {
      yield 'a f=1'
      yield inner()
      yield new Point('e').field('f', 5).time(1n, 's')
    }
    assert.deepEqual(await chunksAsync([outer(), 'z f=9']), [
      { precision: 'ns', lines: ['a f=1', 'b f=2', 'c f=3', 'd f=4', 'z f=9'], bytes: 29 },
      { precision: 's', lines: ['e f=5 1'], bytes: 7 },
    ])
  })
  test('an error inside an async iterable names its path and closes the source', async () => {
    let closed = false
    // eslint-disable-next-line @typescript-eslint/require-await -- an async source on purpose, with nothing to wait for
    async function* source(): AsyncGenerator<unknown> {
      try {
        yield 'a f=1'
        yield { measurement: 'm', fields: {} }
      } finally {
        closed = true
      }
    }
    await assert.rejects(chunksAsync(['x f=1', source()]), recordError([1, 1], /^no fields/))
    assert.equal(closed, true)
  })
  test('the consumer stopping early closes the source', async () => {
    let closed = false
    // eslint-disable-next-line @typescript-eslint/require-await -- an async source on purpose, with nothing to wait for
    async function* source(): AsyncGenerator<string> {
      try {
        for (let i = 0; ; i++) yield `m f=${i}`
      } finally {
        closed = true
      }
    }
    for await (const chunk of serializeAny(source(), ctx(), { maxLines: 10, maxBytes: 1 << 20 })) {
      assert.equal(chunk.lines.length, 10)
      break
    }
    assert.equal(closed, true)
  })
})
