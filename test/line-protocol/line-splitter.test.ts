import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {
  LineBlock,
  LineSplitter,
  LineTooLongError,
  splitLineBytes,
  type LineSplitterOptions,
} from '../../src/line-protocol/line-splitter.js'
import { InvalidUtf8Error } from '../../src/line-protocol/utf8.js'

const utf8 = new TextEncoder()

/** The lines of `chunks` pushed one by one, as text. */
function split(chunks: readonly Uint8Array[], options?: LineSplitterOptions): string[] {
  const splitter = new LineSplitter(options)
  const blocks: LineBlock[] = []
  for (const chunk of chunks) blocks.push(...splitter.push(chunk))
  blocks.push(...splitter.end())
  return blocks.flatMap((block) => [...block])
}

/** `bytes` cut at the given offsets. */
function cutAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const sorted = [...new Set(cuts)].sort((a, b) => a - b)
  const chunks: Uint8Array[] = []
  let from = 0
  for (const cut of [...sorted, bytes.length]) {
    chunks.push(bytes.slice(from, cut))
    from = cut
  }
  return chunks
}

/**
 * The rules, written plainly, one character at a time: a line ends at a line feed that is neither
 * escaped (a backslash makes the next character plain) nor inside a string; a `"` opens or closes a
 * string only in the field section, after more `=` than `,` there; the field section starts after
 * the first unescaped space (with `trimIndent`, not at a space of the indent); a line whose first
 * character after spaces and tabs is `#` is a comment and ends at the next line feed. Then a
 * carriage return at the end of a line is removed, blank lines and comments are dropped, and with
 * `trimIndent` leading spaces and tabs.
 */
function reference(text: string, trimIndent: boolean): string[] {
  const lines: string[] = []
  let i = 0
  while (i < text.length) {
    let part: 'indent' | 'comment' | 'key' | 'fields' = 'indent'
    let sawSpace = false
    let quoted = false
    let equals = 0
    let commas = 0
    let j = i
    for (; j < text.length; j++) {
      const c = text[j]
      if (c === '\n' && !quoted) break
      if (part === 'indent') {
        if (c === ' ') {
          sawSpace = true
          continue
        }
        if (c === '\t') continue
        if (c === '#') {
          part = 'comment'
          continue
        }
        part = sawSpace && !trimIndent ? 'fields' : 'key'
      }
      if (part === 'comment') continue
      if (c === '\\') {
        j++
        continue
      }
      if (part === 'key') {
        if (c === ' ') part = 'fields'
        continue
      }
      if (c === '"') {
        if (equals > commas) quoted = !quoted
      } else if (!quoted && c === '=') equals++
      else if (!quoted && c === ',') commas++
    }
    let line = text.slice(i, Math.min(j, text.length))
    // An escaped or quoted line feed at the very end ends the input.
    if (j >= text.length && line.endsWith('\n')) line = line.slice(0, -1)
    i = j + 1
    if (line.endsWith('\r')) line = line.slice(0, -1)
    const visible = line.trimStart()
    if (visible === '' || visible.startsWith('#')) continue
    lines.push(trimIndent ? line.replace(/^[ \t]*/, '') : line)
  }
  return lines
}

describe('LineSplitter', () => {
  // The CLI's cases: strings, escapes, quotes outside the fields, a comment with a stray quote, an indent.
  const INPUT =
    'm s="a\nb" 1\r\nm v=2 2\n# c="d\nm,t="x v=3 3\nm,t=a\\ b s="e\\"\nf",n=1i 4\n  m s="g\nh" 5\n\n \t\nm v=6 6'
  const EXPECTED = [
    'm s="a\nb" 1',
    'm v=2 2',
    'm,t="x v=3 3',
    'm,t=a\\ b s="e\\"\nf",n=1i 4',
    'm s="g\nh" 5',
    'm v=6 6',
  ]

  test('a line feed inside a quoted field value or after a backslash stays in the line; comments and blank lines are dropped; CRLF ends a line', () => {
    assert.deepEqual(split([utf8.encode(INPUT)], { trimIndent: true }), EXPECTED)
    assert.deepEqual(reference(INPUT, true), EXPECTED)
  })

  test('the same lines whatever the chunk boundaries: every single cut, and chunks of 1 to 7 bytes', () => {
    const bytes = utf8.encode(INPUT)
    for (let cut = 0; cut <= bytes.length; cut++)
      assert.deepEqual(split(cutAt(bytes, [cut]), { trimIndent: true }), EXPECTED, `cut at ${cut}`)
    for (let size = 1; size <= 7; size++) {
      const cuts = Array.from({ length: Math.ceil(bytes.length / size) }, (_, k) => k * size)
      assert.deepEqual(split(cutAt(bytes, cuts), { trimIndent: true }), EXPECTED, `chunks of ${size}`)
    }
  })

  test('verbatim by default: the indent is kept, and a space in it starts the field section as on the server', () => {
    assert.deepEqual(split([utf8.encode('  a f=1  \n\tb f=2\n')]), ['  a f=1  ', '\tb f=2'])
    // After the indent's space the server counts `a=` in the fields: the quote opens a string.
    const text = ' a=b"c f=1\n"n f=2\nm f=3'
    assert.deepEqual(split([utf8.encode(text)]), [' a=b"c f=1\n"n f=2', 'm f=3'])
    // Trimmed, the line is sent as `a=b"c f=1`, where that quote is in the measurement: plain.
    assert.deepEqual(split([utf8.encode(text)], { trimIndent: true }), ['a=b"c f=1', '"n f=2', 'm f=3'])
  })

  test('a stray quote in a comment does not swallow the lines after it', () => {
    assert.deepEqual(split([utf8.encode('# say "hi\nm f=1\n  # a="b\nm f=2\n')]), ['m f=1', 'm f=2'])
  })

  test('a quote still open at the end ends with the input; a final escaped line feed is dropped', () => {
    assert.deepEqual(split([utf8.encode('m v=1 1\nm s="x 2\n'), utf8.encode('m v=3 3\n')]), [
      'm v=1 1',
      'm s="x 2\nm v=3 3',
    ])
    assert.deepEqual(split([utf8.encode('m,t=a\\\n')]), ['m,t=a\\'])
    assert.deepEqual(split([utf8.encode('m f=1\r')]), ['m f=1'])
  })

  test('multi-byte characters cut between chunks pass through whole', () => {
    const text = 'temp,city=Zürich v=1\n温度 s="日本\n語😀" 2\n'
    const bytes = utf8.encode(text)
    for (let cut = 0; cut <= bytes.length; cut++)
      assert.deepEqual(split(cutAt(bytes, [cut])), ['temp,city=Zürich v=1', '温度 s="日本\n語😀" 2'], `cut at ${cut}`)
  })

  test('whitespace-only lines are blank whatever the whitespace; a line starting with another character is kept', () => {
    assert.deepEqual(split([utf8.encode('\u00a0\n\u2003\n\r\r\n\u00a0# c\né f=1\n')]), ['é f=1'])
  })

  test('a byte-order mark is dropped once at the start, also when cut; kept on request', () => {
    const bytes = utf8.encode('\uFEFF\uFEFFm f=1\n')
    for (let cut = 0; cut <= 6; cut++) assert.deepEqual(split(cutAt(bytes, [cut, cut + 1])), ['\uFEFFm f=1'])
    assert.deepEqual(split([utf8.encode('\uFEFFm f=1')], { keepByteOrderMark: true }), ['\uFEFFm f=1'])
    assert.deepEqual(split([Uint8Array.of(0xef, 0xbb, 0xbf)]), [], 'a BOM alone is no line')
    assert.throws(() => split([Uint8Array.of(0xef, 0xbb)]), new InvalidUtf8Error(0, true), 'half a BOM is no text')
  })

  test('invalid UTF-8 throws with its offset in the whole input, also across chunks', () => {
    const offsetOf = (chunks: number[][]): [number, boolean] => {
      try {
        split(chunks.map((c) => Uint8Array.from(c)))
      } catch (error) {
        assert.ok(error instanceof InvalidUtf8Error)
        return [error.offset, error.truncated]
      }
      return [-1, false]
    }
    assert.deepEqual(offsetOf([[0x61, 0x0a, 0xff]]), [2, false])
    assert.deepEqual(
      offsetOf([
        [0x61, 0xc3],
        [0x28, 0x62],
      ]),
      [1, false],
    )
    assert.deepEqual(
      offsetOf([
        [0x6d, 0x0a],
        [0x78, 0xed, 0xa0, 0x80, 0x0a],
      ]),
      [3, false],
    )
    assert.deepEqual(offsetOf([[0x61], [0xf0, 0x9f, 0x98]]), [1, true])
    assert.deepEqual(offsetOf([[0xef, 0xbb, 0xbf, 0x61, 0x0a, 0xc0, 0xaf]]), [5, false], 'the BOM counts')
    // In a comment too: nothing of an input that is not text is sent.
    assert.deepEqual(offsetOf([[0x23, 0xff, 0x0a]]), [1, false])
  })

  test('a partial line longer than maxLineBytes is refused with its line number', () => {
    const splitter = new LineSplitter({ maxLineBytes: 8 })
    assert.deepEqual(
      splitter.push(utf8.encode('a f=1\nb f="x\ny')).flatMap((b) => [...b]),
      ['a f=1'],
    )
    assert.throws(() => splitter.push(utf8.encode('yyyy')), new LineTooLongError(2, 8))
  })

  test('a clean chunk is passed on as a view of its bytes', () => {
    const bytes = utf8.encode('a f=1\nb f=2\nc f=')
    const [block] = new LineSplitter().push(bytes)
    assert.equal(block.bytes.buffer, bytes.buffer)
    assert.deepEqual([...block.ends], [5, 11])
  })

  test('splitLineBytes agrees with the rules for any text, in both modes (property)', () => {
    const alphabet = fc.constantFrom(
      'm',
      'a',
      ' ',
      ' ',
      '=',
      '=',
      ',',
      '"',
      '"',
      '\\',
      '\n',
      '\n',
      '\r',
      '\t',
      '#',
      'é',
      '😀',
    )
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 60 }), fc.boolean(), (chars, trimIndent) => {
        const text = chars.join('')
        assert.deepEqual([...splitLineBytes(utf8.encode(text), { trimIndent })], reference(text, trimIndent))
      }),
      { numRuns: 3000 },
    )
  })

  test('any chunking gives the same lines (property)', () => {
    const alphabet = fc.constantFrom('m', ' ', '=', ',', '"', '\\', '\n', '\r', '#', 'é', '語')
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 40 }),
        fc.array(fc.nat(120), { maxLength: 8 }),
        fc.boolean(),
        (chars, cuts, trimIndent) => {
          const bytes = utf8.encode(chars.join(''))
          const chunks = cutAt(
            bytes,
            cuts.map((c) => c % (bytes.length + 1)),
          )
          assert.deepEqual(split(chunks, { trimIndent }), split([bytes], { trimIndent }))
        },
      ),
      { numRuns: 2000 },
    )
  })
})
