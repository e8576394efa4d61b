// LinePayload: the body on the wire is exactly the UTF-8 of the lines joined by \n, and the
// lines come back out unchanged, even with raw line feeds inside string fields.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { LinePayload } from '../../src/write/batch-payload.js'
import { bodyBytes } from '../../src/write/batch-assembler.js'

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)

test('body = UTF-8 of lines joined by \\n, across encoding groups; lines() returns them unchanged', () => {
  const lines: string[] = []
  for (let i = 0; i < 1300; i++) lines.push(i % 7 === 0 ? `m s="é ✓ 𝄞 ${i}" ${i}` : `m v=${i}i ${i}`)
  lines[5] = 'm s="two\nlines" 5'
  const payload = LinePayload.of(lines, bodyBytes(lines))
  assert.deepEqual(payload.body, utf8(lines.join('\n')))
  assert.equal(payload.lineCount, 1300)
  assert.deepEqual(payload.lines(), lines)
})

test('a single line, and a byte count given wrong, still give the exact body', () => {
  assert.deepEqual(LinePayload.of(['m v=1 1']).body, utf8('m v=1 1'))
  const lines = ['m s="é" 1', 'm s="é" 2']
  for (const wrong of [3, 100]) {
    const payload = LinePayload.of(lines, wrong)
    assert.deepEqual(payload.body, utf8('m s="é" 1\nm s="é" 2'))
    assert.deepEqual(payload.lines(), lines)
  }
})
