import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { tempDir } from '../../support/temp-dir.js'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import { openSource, InputError } from '../../../src/cli/input/source.js'
import { splitLines, type TextLine } from '../../../src/cli/input/text-lines.js'
import { main } from '../../../src/cli/program.js'

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
    using scratch = tempDir('cli-source-')
    const dir = scratch.dir
    const path = join(dir, 'in.txt')
    await writeFile(path, '\uFEFFé\n')
    const source = await openSource(path)
    assert.equal(source.size, 6)
    let text = ''
    for await (const chunk of source.text()) text += chunk
    assert.equal(text, 'é\n')
    assert.equal(source.bytesRead, 6)
  })

  test('a .gz file is decompressed; progress counts compressed bytes', async () => {
    using scratch = tempDir('cli-source-')
    const dir = scratch.dir
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

async function readAll(source: { text(): AsyncIterable<string> }): Promise<string> {
  let text = ''
  for await (const chunk of source.text()) text += chunk
  return text
}

describe('openSource: corrupt .gz (B3)', () => {
  test('nothing is thrown until the text is read, and then an InputError naming the file', async () => {
    using scratch = tempDir('cli-source-')
    const dir = scratch.dir
    const path = join(dir, 'bad.lp.gz')
    await writeFile(path, 'garbage')
    const source = await openSource(path)
    // `write` pings the server between opening and reading; the error must wait for text().
    await new Promise((resolve) => setTimeout(resolve, 100))
    await assert.rejects(readAll(source), new InputError(`cannot read ${path}: incorrect header check`))
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
    using scratch = tempDir('cli-source-')
    const dir = scratch.dir
    const path = join(dir, 'u.lp.gz')
    await writeFile(path, gzipSync(Buffer.from([0x61, 0x62, 0xfe])))
    await assert.rejects(
      readAll(await openSource(path)),
      new InputError(`cannot read ${path}: invalid UTF-8 at byte offset 2 of the decompressed text`),
    )
  })
})

describe('openSource: files are closed', () => {
  // The process's open descriptors (Linux): a file left open shows up as one more.
  const openFiles = (): number => readdirSync('/proc/self/fd').length

  test('after their bytes or text are read, after a loop stops early, and by close() when never read', async () => {
    using scratch = tempDir('cli-source-')
    const dir = scratch.dir
    const path = join(dir, 'in.lp')
    await writeFile(path, 'm v=1 1\n'.repeat(300_000))
    const before = openFiles()
    const read = await openSource(path)
    assert.equal(openFiles(), before + 1)
    let bytes = 0
    for await (const chunk of read.bytes()) bytes += chunk.length
    assert.equal(bytes, 2_400_000)
    assert.equal(read.bytesRead, 2_400_000)
    assert.equal(openFiles(), before, 'closed once its bytes were read')
    const stopped = await openSource(path)
    for await (const chunk of stopped.bytes()) if (chunk.length > 0) break
    assert.equal(openFiles(), before, 'closed when the loop over its bytes stopped')
    const text = await openSource(path)
    for await (const chunk of text.text()) if (chunk.length > 0) break
    await text.close()
    assert.equal(openFiles(), before, 'closed by close() after its text was read in part')
    const unread = await openSource(path)
    await unread.close()
    await unread.close()
    assert.equal(openFiles(), before, 'closed by close(), which may be called again')
  })

  test('when reading fails: a corrupt .gz file, invalid UTF-8, as text and as bytes', async () => {
    using scratch = tempDir('cli-source-')
    const dir = scratch.dir
    const corrupt = join(dir, 'bad.lp.gz')
    await writeFile(corrupt, 'not gzip at all')
    const invalid = join(dir, 'bad.csv')
    await writeFile(invalid, Buffer.from([0x61, 0x0a, 0xff, 0x0a]))
    const invalidGz = join(dir, 'bad.csv.gz')
    await writeFile(invalidGz, gzipSync(Buffer.from([0x61, 0x0a, 0xff, 0x0a])))
    const before = openFiles()
    await assert.rejects(readAll(await openSource(corrupt)), InputError)
    assert.equal(openFiles(), before, 'closed after a corrupt .gz file failed as text')
    await assert.rejects(async () => {
      for await (const chunk of (await openSource(corrupt)).bytes()) void chunk
    }, InputError)
    assert.equal(openFiles(), before, 'closed after a corrupt .gz file failed as bytes')
    await assert.rejects(readAll(await openSource(invalid)), InputError)
    assert.equal(openFiles(), before, 'closed after invalid UTF-8')
    await assert.rejects(readAll(await openSource(invalidGz)), InputError)
    assert.equal(openFiles(), before, 'closed after invalid UTF-8 in a .gz file')
  })

  test('write closes the inputs it opened when a later one cannot be opened', async () => {
    using scratch = tempDir('cli-source-')
    const dir = scratch.dir
    const path = await writeFile(join(dir, 'a.lp'), 'm v=1 1\n').then(() => join(dir, 'a.lp'))
    const before = openFiles()
    let stderr = ''
    const code = await main(
      ['write', '--host', 'http://127.0.0.1:1', '-t', 't', '-o', 'o', '-b', 'b', path, join(dir, 'missing.lp')],
      {
        stdin: Readable.from([]),
        stdout: { write: () => true },
        stderr: { write: (text: string) => (stderr += text) },
        env: {},
      },
    )
    assert.equal(code, 1)
    assert.match(stderr, /cannot read .*missing\.lp: no such file/)
    assert.equal(openFiles(), before)
  })
})
