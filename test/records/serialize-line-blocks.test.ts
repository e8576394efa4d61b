// Line protocol that arrives split already (LineBlocks from the splitter) or as bytes: passed on
// as its bytes, within the chunk limits, in record order.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { serializeSync, type LineChunk } from '../../src/records/serialize.js'
import { LineSplitter, splitLineBytes } from '../../src/line-protocol/line-splitter.js'
import { sendableLines } from '../../src/line-protocol/lines.js'
import { Point } from '../../src/line-protocol/point.js'

const ctx = { precision: 'ns' as const, defaultTags: {} }
const utf8 = new TextEncoder()

function serialize(record: unknown, limits = { maxLines: 3, maxBytes: 1 << 20 }): LineChunk[] {
  return [...serializeSync(record, ctx, limits)]
}

/** The chunk's lines, after checking that its body is exactly them joined by `\n`. */
function linesOf(chunk: LineChunk): string[] {
  const lines = chunk.lines
  assert.equal(Buffer.from(chunk.body).toString(), lines.join('\n'))
  return lines
}

const LINES = Array.from({ length: 8 }, (_, i) => `m,t=é s="a\nb",v=${i}i ${i}`)

describe('LineBlock records', () => {
  test('are cut into chunks at maxLines, after the lines written before them, in order', () => {
    const [block] = new LineSplitter().push(utf8.encode(LINES.join('\n') + '\n'))
    const chunks = serialize([new Point('p').field('v', 1), block, new Point('q').field('v', 2)])
    assert.deepEqual(chunks.map(linesOf), [
      ['p v=1', LINES[0], LINES[1]],
      [LINES[2], LINES[3], LINES[4]],
      [LINES[5], LINES[6], LINES[7]],
      ['q v=2'],
    ])
  })

  test('a chunk the block fills alone is a view of its bytes; maxBytes still holds', () => {
    const [block] = new LineSplitter().push(utf8.encode(LINES.join('\n') + '\n'))
    const chunks = serialize(block)
    // The rest, two lines, waits in the open chunk for more lines: a copy.
    assert.deepEqual(
      chunks.map((chunk) => chunk.body.buffer === block.bytes.buffer),
      [true, true, false],
    )
    assert.deepEqual(chunks.flatMap(linesOf), LINES)
    const lineBytes = utf8.encode(LINES[0]).length
    const byBytes = serialize(block, { maxLines: 100, maxBytes: 2 * lineBytes + 1 })
    assert.deepEqual(
      byBytes.map((chunk) => chunk.lineCount),
      [2, 2, 2, 2],
    )
    assert.ok(byBytes.every((chunk) => chunk.bytes <= 2 * lineBytes + 1))
  })
})

describe('bytes and text records', () => {
  test('a Uint8Array is copied: changing it afterwards changes no chunk', () => {
    const bytes = utf8.encode(LINES.join('\r\n'))
    const chunks = serialize(bytes, { maxLines: 100, maxBytes: 1 << 20 })
    bytes.fill(0x20)
    assert.deepEqual(chunks.flatMap(linesOf), LINES)
  })

  test('text of several lines gives the lines of sendableLines, split the same way as bytes', () => {
    const text = `# comment "x\n${LINES.join('\n')}\n\n  indented f=1\n`
    const expected = [...LINES, '  indented f=1']
    assert.deepEqual(sendableLines(text), expected)
    assert.deepEqual([...splitLineBytes(utf8.encode(text))], expected)
    assert.deepEqual(serialize(text, { maxLines: 100, maxBytes: 1 << 20 }).flatMap(linesOf), expected)
  })
})
