// Batch bodies: exactly the UTF-8 of the lines joined by \n, however they were appended, and
// the lines come back out unchanged, even with raw line feeds inside string fields.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { LineChunk } from '../../src/records/line-chunk.js'
import { BodyPool, LinePayload, PayloadBuilder } from '../../src/write/batch-payload.js'

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)

function sampleLines(count: number): string[] {
  const lines: string[] = []
  for (let i = 0; i < count; i++) lines.push(i % 7 === 0 ? `m s="é ✓ 𝄞 ${i}" ${i}` : `m v=${i}i ${i}`)
  lines[5] = 'm s="two\nlines" 5'
  return lines
}

test('LinePayload.of: body = UTF-8 of lines joined by \\n across encoding groups; lines() gives them back', () => {
  const lines = sampleLines(1300)
  const payload = LinePayload.of(lines)
  assert.deepEqual(payload.body, utf8(lines.join('\n')))
  assert.equal(payload.lineCount, 1300)
  assert.deepEqual(payload.lines(), lines)
  assert.deepEqual(LinePayload.of(['m v=1 1']).body, utf8('m v=1 1'))
})

test('PayloadBuilder: runs of two chunks appended piecewise into a tiny first buffer give the exact body', () => {
  const lines = sampleLines(700)
  const first = LineChunk.fromLines('ns', lines.slice(0, 400))
  const second = LineChunk.fromLines('ns', lines.slice(400))
  const pool = new BodyPool(2)
  const builder = new PayloadBuilder(pool, 10)
  builder.append(first, 0, 3)
  builder.append(first, 3, 400)
  builder.append(second, 0, 1)
  builder.append(second, 1, 1) // an empty run adds nothing
  builder.append(second, 1, 300)
  const payload = builder.finish()
  assert.equal(builder.bytes, utf8(lines.join('\n')).length)
  assert.deepEqual(payload.body, utf8(lines.join('\n')))
  assert.deepEqual(payload.lines(), lines)
})

test('BodyPool reuses a released buffer that is large enough, and only then', () => {
  const pool = new BodyPool(1)
  const first = pool.acquire(1000)
  assert.ok(first.byteLength >= 1000)
  pool.release(first.subarray(0, 10))
  const again = pool.acquire(900)
  assert.equal(again.buffer, first.buffer)
  const fresh = pool.acquire(100)
  assert.notEqual(fresh.buffer, first.buffer)
  pool.release(again)
  assert.notEqual(pool.acquire(10 * first.byteLength).buffer, first.buffer)
})
