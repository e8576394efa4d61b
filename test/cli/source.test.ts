import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, writeFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import { openSource, splitLines, InputError, type TextLine } from '../../src/cli/input/source.js'

async function collect(chunks: string[]): Promise<TextLine[]> {
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
      { text: 'a', line: 1 }, { text: 'bc', line: 2 }, { text: '', line: 3 }, { text: 'd', line: 4 },
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
      await assert.rejects(async () => {
        for await (const chunk of broken.text()) void chunk
      }, new InputError(`cannot read ${path}: incorrect header check`))
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
