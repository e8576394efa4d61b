import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, writeFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import {
  openSource,
  splitLines,
  splitLineProtocol,
  firstInvalidUtf8,
  InputError,
  type TextLine,
} from '../../../src/cli/input/source.js'

async function collect(chunks: string[]): Promise<TextLine[]> {
  // eslint-disable-next-line @typescript-eslint/require-await -- an async source on purpose, with nothing to wait for
  async function* gen(): AsyncGenerator<string> {
    yield* chunks
  }
  const out: TextLine[] = []
  for await (const batch of splitLines(gen())) out.push(...batch)
  return out
}

describe('splitLines', () => {
  test('splits LF and CRLF across chunk boundaries and numbers the lines', async () => {
    assert.deepEqual(await collect(['a\r', '\nb', 'c\n\nd']), [
      { text: 'a', line: 1 },
      { text: 'bc', line: 2 },
      { text: '', line: 3 },
      { text: 'd', line: 4 },
    ])
  })
  test('no trailing empty line after a final newline', async () => {
    assert.deepEqual(await collect(['x\n']), [{ text: 'x', line: 1 }])
  })
})

describe('openSource', () => {
  test('reads a file as UTF-8, strips a BOM, counts bytes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cli-source-'))
    try {
      const path = join(dir, 'in.txt')
      await writeFile(path, '\uFEFFé\n')
      const source = await openSource(path)
      assert.equal(source.size, 6)
      let text = ''
      for await (const chunk of source.text()) text += chunk
      assert.equal(text, 'é\n')
      assert.equal(source.bytesRead, 6)
    } finally {
      await rm(dir, { recursive: true })
    }
  })

  test('a .gz file is decompressed; progress counts compressed bytes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cli-source-'))
    try {
      const path = join(dir, 'in.lp.gz')
      const compressed = gzipSync('m v=1 1\n'.repeat(1000))
      await writeFile(path, compressed)
      const source = await openSource(path)
      assert.equal(source.size, compressed.length)
      let text = ''
      for await (const chunk of source.text()) text += chunk
      assert.equal(text, 'm v=1 1\n'.repeat(1000))
      assert.equal(source.bytesRead, compressed.length)
      await writeFile(path, 'not gzip')
      const broken = await openSource(path)
      await assert.rejects(
        async () => {
          for await (const chunk of broken.text()) void chunk
        },
        new InputError(`cannot read ${path}: incorrect header check`),
      )
    } finally {
      await rm(dir, { recursive: true })
    }
  })

  test('stdin is "-"', async () => {
    const source = await openSource('-', Readable.from([Buffer.from('a\n'), Buffer.from([0xc3]), Buffer.from([0xa9])]))
    let text = ''
    for await (const chunk of source.text()) text += chunk
    assert.equal(text, 'a\né', 'a character split between reads is decoded whole')
    assert.equal(source.size, undefined)
  })

  test('missing file and directory give clear errors', async () => {
    await assert.rejects(openSource('/nonexistent/x.lp'), new InputError('cannot read /nonexistent/x.lp: no such file'))
    await assert.rejects(openSource(tmpdir()), new InputError(`cannot read ${tmpdir()}: it is a directory`))
  })
})

async function collectLp(chunks: string[]): Promise<TextLine[]> {
  // eslint-disable-next-line @typescript-eslint/require-await -- an async source on purpose, with nothing to wait for
  async function* gen(): AsyncGenerator<string> {
    yield* chunks
  }
  const out: TextLine[] = []
  for await (const batch of splitLineProtocol(gen())) out.push(...batch)
  return out
}

async function readAll(source: { text(): AsyncIterable<string> }): Promise<string> {
  let text = ''
  for await (const chunk of source.text()) text += chunk
  return text
}

describe('splitLineProtocol (B6)', () => {
  const INPUT = 'm s="a\nb" 1\r\nm v=2 2\n# c="d\nm,t="x v=3 3\nm,t=a\\ b s="e\\"\nf",n=1i 4\n  m s="g\nh" 5\nm v=6 6'
  const EXPECTED: TextLine[] = [
    { text: 'm s="a\nb" 1', line: 1 },
    { text: 'm v=2 2', line: 3 },
    { text: '# c="d', line: 4 },
    { text: 'm,t="x v=3 3', line: 5 },
    { text: 'm,t=a\\ b s="e\\"\nf",n=1i 4', line: 6 },
    { text: '  m s="g\nh" 5', line: 8 },
    { text: 'm v=6 6', line: 10 },
  ]

  test('a line feed inside a quoted field value stays in the line; quotes count only in the fields; line numbers are physical', async () => {
    assert.deepEqual(await collectLp([INPUT]), EXPECTED)
  })

  test('the same whatever the chunk boundaries', async () => {
    for (let size = 1; size <= 7; size++) {
      const chunks: string[] = []
      for (let i = 0; i < INPUT.length; i += size) chunks.push(INPUT.slice(i, i + size))
      assert.deepEqual(await collectLp(chunks), EXPECTED, `chunks of ${size}`)
    }
    for (let cut = 0; cut <= INPUT.length; cut++) {
      assert.deepEqual(await collectLp([INPUT.slice(0, cut), INPUT.slice(cut)]), EXPECTED, `cut at ${cut}`)
    }
  })

  test('a backslash escapes a line feed; a quote still open at the end ends with the input', async () => {
    assert.deepEqual(await collectLp(['m,t=a\\\nb v=1 1\nm v=2 2\n']), [
      { text: 'm,t=a\\\nb v=1 1', line: 1 },
      { text: 'm v=2 2', line: 3 },
    ])
    assert.deepEqual(await collectLp(['m v=1 1\nm s="x 2\n', 'm v=3 3\n']), [
      { text: 'm v=1 1', line: 1 },
      { text: 'm s="x 2\nm v=3 3', line: 2 },
    ])
  })

  test('without quotes it splits like splitLines, blank lines included', async () => {
    assert.deepEqual(await collectLp(['a\r', '\nb', 'c\n\nd']), [
      { text: 'a', line: 1 },
      { text: 'bc', line: 2 },
      { text: '', line: 3 },
      { text: 'd', line: 4 },
    ])
  })
})

describe('openSource: corrupt .gz (B3)', () => {
  test('nothing is thrown until the text is read, and then an InputError naming the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cli-source-'))
    try {
      const path = join(dir, 'bad.lp.gz')
      await writeFile(path, 'garbage')
      const source = await openSource(path)
      // `write` pings the server between opening and reading; the error must wait for text().
      await new Promise((resolve) => setTimeout(resolve, 100))
      await assert.rejects(readAll(source), new InputError(`cannot read ${path}: incorrect header check`))
    } finally {
      await rm(dir, { recursive: true })
    }
  })
})

describe('openSource: invalid UTF-8 (B5)', () => {
  function stdin(...chunks: number[][]): ReturnType<typeof Readable.from> {
    return Readable.from(chunks.map((c) => Buffer.from(c)))
  }

  test('is an InputError with the offset of the first bad sequence, also across reads', async () => {
    await assert.rejects(
      readAll(await openSource('-', stdin([0x61, 0x0a, 0xff]))),
      new InputError('cannot read -: invalid UTF-8 at byte offset 2'),
    )
    // é is C3 A9: a C3 that ends one read and an invalid byte that starts the next.
    await assert.rejects(
      readAll(await openSource('-', stdin([0x61, 0xc3], [0x28, 0x62]))),
      new InputError('cannot read -: invalid UTF-8 at byte offset 1'),
    )
    await assert.rejects(
      readAll(await openSource('-', stdin([0xe2], [0x82], [0x41]))),
      new InputError('cannot read -: invalid UTF-8 at byte offset 0'),
    )
    await assert.rejects(
      readAll(await openSource('-', stdin([0xe2, 0x82, 0xac], [0x80]))),
      new InputError('cannot read -: invalid UTF-8 at byte offset 3'),
    )
    // Encoded surrogates and overlong forms are not UTF-8 either.
    await assert.rejects(
      readAll(await openSource('-', stdin([0x78, 0xed, 0xa0, 0x80]))),
      new InputError('cannot read -: invalid UTF-8 at byte offset 1'),
    )
    await assert.rejects(
      readAll(await openSource('-', stdin([0xc0, 0xaf]))),
      new InputError('cannot read -: invalid UTF-8 at byte offset 0'),
    )
  })

  test('a character cut off by the end of the input', async () => {
    await assert.rejects(
      readAll(await openSource('-', stdin([0x61], [0xf0, 0x9f, 0x98]))),
      new InputError('cannot read -: invalid UTF-8 at byte offset 1 (the input ends inside a character)'),
    )
  })

  test('valid text split anywhere decodes whole, and a BOM is dropped once', async () => {
    const bytes = [...Buffer.from('\uFEFF\uFEFFa€😀\n')]
    assert.equal(await readAll(await openSource('-', stdin(...bytes.map((b) => [b])))), '\uFEFFa€😀\n')
  })

  test('in a .gz file the offset is in the decompressed text', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cli-source-'))
    try {
      const path = join(dir, 'u.lp.gz')
      await writeFile(path, gzipSync(Buffer.from([0x61, 0x62, 0xfe])))
      await assert.rejects(
        readAll(await openSource(path)),
        new InputError(`cannot read ${path}: invalid UTF-8 at byte offset 2 of the decompressed text`),
      )
    } finally {
      await rm(dir, { recursive: true })
    }
  })

  test('firstInvalidUtf8 agrees with a fatal TextDecoder', () => {
    const decoder = new TextDecoder('utf-8', { fatal: true })
    const valid = (bytes: Uint8Array): boolean => {
      try {
        decoder.decode(bytes)
        return true
      } catch {
        return false
      }
    }
    for (let a = 0x80; a <= 0xff; a++) {
      for (const b of [0x00, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xff]) {
        for (const c of [0x41, 0x80, 0xbf, 0xc0]) {
          const bytes = new Uint8Array([0x41, a, b, c, 0x80, 0x41])
          const at = firstInvalidUtf8(bytes)
          assert.equal(at === bytes.length, valid(bytes), `${a.toString(16)} ${b.toString(16)} ${c.toString(16)}`)
          if (at < bytes.length) assert.ok(valid(bytes.subarray(0, at)))
        }
      }
    }
  })
})
