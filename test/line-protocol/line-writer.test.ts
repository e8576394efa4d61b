// LineWriter writes the exact bytes that the string formatting rules give: every number writer
// is checked against String()/floatText for random values, and lines come back out unchanged.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { floatText } from '../../src/line-protocol/float-text.js'
import { LineWriter } from '../../src/line-protocol/line-writer.js'
import { LineChunk } from '../../src/records/line-chunk.js'

const decoder = new TextDecoder()

/** What one call of `write` puts into a fresh writer, as text. */
function written(write: (writer: LineWriter) => void): string {
  const writer = new LineWriter(16)
  writer.beginLine()
  write(writer)
  writer.endLine()
  return decoder.decode(writer.body())
}

describe('LineWriter numbers', () => {
  test('float equals floatText for any finite double and for short decimals', () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        (v) => written((w) => w.float(v)) === floatText(v),
      ),
      { numRuns: 20_000 },
    )
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 52), max: 2 ** 52 }), fc.integer({ min: 0, max: 7 }), (m, k) => {
        const v = m / 10 ** k
        return written((w) => w.float(v)) === floatText(v)
      }),
      { numRuns: 20_000 },
    )
    assert.equal(
      written((w) => w.float(-0)),
      '-0',
    )
    assert.equal(
      written((w) => w.float(0.000001)),
      '0.000001',
    )
    assert.equal(
      written((w) => w.float(1e21)),
      '1e+21',
    )
  })

  test('integer equals String for every safe integer, with the digit-count edges', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (v) => written((w) => w.integer(v)) === String(v)),
      { numRuns: 20_000 },
    )
    for (let p = 0; p <= 15; p++) {
      for (const v of [10 ** p - 1, 10 ** p, 2 ** 32 - 1, 2 ** 32, -(10 ** p)])
        assert.equal(
          written((w) => w.integer(v)),
          String(v),
        )
    }
    assert.equal(
      written((w) => w.integer(-0)),
      '0',
    )
  })

  test('bigint and timestamp equal String across the int64 and uint64 ranges and beyond, in any order', () => {
    const wide = fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n })
    const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n })
    for (const values of [int64, wide]) {
      fc.assert(
        fc.property(fc.array(values, { minLength: 1, maxLength: 20 }), (list) =>
          list.every((v) => written((w) => w.bigint(v)) === String(v)),
        ),
        { numRuns: 5_000 },
      )
      fc.assert(
        fc.property(fc.array(values, { minLength: 1, maxLength: 20 }), (list) =>
          list.every((v) => written((w) => w.timestamp(v)) === String(v)),
        ),
        { numRuns: 5_000 },
      )
    }
    // Timestamps that grow by little (the remembered digits above the last nine), across a
    // change of those digits, and going back.
    const around = fc.tuple(
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
      fc.array(fc.bigInt({ min: -3_000_000_000n, max: 3_000_000_000n }), { minLength: 1, maxLength: 30 }),
    )
    fc.assert(
      fc.property(around, ([start, steps]) => {
        let v = start
        for (const step of steps) {
          v += step
          if (v < -(2n ** 63n) || v >= 2n ** 63n) continue
          if (written((w) => w.timestamp(v)) !== String(v)) return false
        }
        return true
      }),
      { numRuns: 5_000 },
    )
    const base = 1_700_000_000_999_999_990n
    for (let i = 0n; i < 30n; i++) {
      assert.equal(
        written((w) => w.bigint(base + i)),
        String(base + i),
      )
      assert.equal(
        written((w) => w.timestamp(base + i)),
        String(base + i),
      )
    }
    for (const v of [
      0n,
      -1n,
      2n ** 53n - 1n,
      2n ** 53n,
      -(2n ** 53n) - 1n,
      10n ** 18n,
      2n ** 63n - 1n,
      -(2n ** 63n),
      2n ** 63n,
      2n ** 64n - 1n,
      10n ** 30n,
      -(10n ** 30n),
    ]) {
      assert.equal(
        written((w) => w.bigint(v)),
        String(v),
      )
      assert.equal(
        written((w) => w.timestamp(v)),
        String(v),
      )
    }
  })
})

describe('LineWriter lines', () => {
  test('text of any kind comes back as it went in, line ends by byte', () => {
    const lines = [
      'ascii',
      'é,ü=ß f=2',
      '温度 s="東京"',
      'm s="😀 naïve — ✓"',
      'x'.repeat(200) + ' f=1',
      'two\nlines s="raw LF inside"',
    ]
    const writer = new LineWriter(8)
    for (const line of lines) writer.line(line)
    assert.deepEqual(writer.lines(), lines)
    assert.deepEqual(writer.body(), new TextEncoder().encode(lines.join('\n')))
    assert.equal(writer.bodyLength, writer.body().length)
  })

  test('abandonLine drops a half-written line and its separator', () => {
    const writer = new LineWriter(8)
    writer.line('a f=1')
    writer.beginLine()
    writer.text('b f=')
    writer.abandonLine()
    writer.line('c f=3')
    assert.deepEqual(writer.lines(), ['a f=1', 'c f=3'])
    assert.equal(decoder.decode(writer.body()), 'a f=1\nc f=3')
  })

  test('cut takes the first lines out and keeps the rest, offsets rebased', () => {
    const writer = new LineWriter(8)
    for (const line of ['é f=1', 'b f=2', 'c f=3']) writer.line(line)
    const first = writer.cut(2)
    assert.equal(decoder.decode(first.body), 'é f=1\nb f=2')
    assert.deepEqual([...first.ends], [6, 12])
    assert.deepEqual(writer.lines(), ['c f=3'])
    writer.line('d f=4')
    const rest = writer.cut(writer.lineCount)
    assert.equal(decoder.decode(rest.body), 'c f=3\nd f=4')
    assert.deepEqual([...rest.ends], [5, 11])
    assert.equal(writer.lineCount, 0)
    assert.deepEqual(writer.cut(0), { body: new Uint8Array(0), ends: new Uint32Array(0) })
  })
})

describe('recycled chunk buffers', () => {
  /** Fills a writer past half its buffer and cuts everything out: the buffer itself becomes the body. */
  function fullCut(writer: LineWriter, tag: string): { body: Uint8Array; ends: Uint32Array } {
    while (writer.length < writer.bytes.length / 2 + 100) writer.line(`m,t=${tag} v=${writer.lineCount}i`)
    return writer.cut(writer.lineCount)
  }

  test('a recycled body serves the next writer that needs a buffer, and only once', () => {
    const writer = new LineWriter(32 * 1024)
    const cut = fullCut(writer, 'a')
    const first = new LineChunk('ns', cut.body, cut.ends)
    const firstBuffer = first.body.buffer
    const expected = new TextDecoder().decode(first.body)
    first.recycle()
    first.recycle() // a second call changes nothing
    fullCut(writer, 'b')
    assert.equal(writer.bytes.buffer, firstBuffer, 'the writer took the recycled buffer')
    fullCut(writer, 'c')
    assert.notEqual(writer.bytes.buffer, firstBuffer, 'the buffer was handed out once only')
    assert.ok(expected.startsWith('m,t=a v=0i\nm,t=a v=1i'))
  })

  test("a recycled chunk's line ends serve the next cut of about as many lines, and only once; a partial cut's body comes from a recycled buffer", () => {
    // Lines of about 40 bytes: 500 of them make a body large enough to be worth recycling.
    const writer = new LineWriter(64 * 1024)
    for (let i = 0; i < 600; i++) writer.line(`m,host=a-host-name-long-enough v=${i}i`)
    const first = new LineChunk('ns', ...(Object.values(writer.cut(600)) as [Uint8Array, Uint32Array]))
    const endsBuffer = first.ends.buffer
    first.recycle()
    for (let i = 0; i < 700; i++) writer.line(`m,host=a-host-name-long-enough v=${i}i`)
    // 500 of 700 lines: a copy of the body, the rest stays in the writer.
    const second = writer.cut(500)
    assert.equal(second.ends.buffer, endsBuffer, 'the recycled ends were taken')
    assert.equal(second.ends.length, 500)
    const chunk = new LineChunk('ns', second.body, second.ends)
    assert.deepEqual(
      chunk.lines,
      Array.from({ length: 500 }, (_, i) => `m,host=a-host-name-long-enough v=${i}i`),
    )
    assert.deepEqual(
      writer.lines(),
      Array.from({ length: 200 }, (_, i) => `m,host=a-host-name-long-enough v=${500 + i}i`),
    )
    const third = writer.cut(200)
    assert.notEqual(third.ends.buffer, endsBuffer, 'handed out once only')
    // The second chunk's body was copied into a recycled buffer when one fitted: recycle it and cut again.
    const bodyBuffer = chunk.body.buffer
    chunk.recycle()
    for (let i = 0; i < 700; i++) writer.line(`m,host=a-host-name-long-enough v=${i}i`)
    const fourth = writer.cut(500)
    assert.equal(fourth.body.buffer, bodyBuffer, 'the recycled body buffer was taken for the copy')
    assert.deepEqual(
      new LineChunk('ns', fourth.body, fourth.ends).lines,
      Array.from({ length: 500 }, (_, i) => `m,host=a-host-name-long-enough v=${i}i`),
    )
  })

  test('a slice never recycles the buffer it shares with its chunk', () => {
    const writer = new LineWriter(32 * 1024)
    const { body, ends } = fullCut(writer, 'a')
    const chunk = new LineChunk('ns', body, ends)
    const slice = chunk.slice(0, 2)
    slice.recycle()
    fullCut(writer, 'b')
    assert.notEqual(writer.bytes.buffer, body.buffer)
    assert.deepEqual(slice.lines, ['m,t=a v=0i', 'm,t=a v=1i'])
  })
})
