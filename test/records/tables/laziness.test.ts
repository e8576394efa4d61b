// Tables are read block by block while their lines are consumed: a 10,000,000-row table is
// never turned into all its lines (or one string) at once. Checked by counting which cells are read.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { serializeSync } from '../../../src/records/serialize.js'
import { contextOf, tableOf } from './lines.js'

const ROWS = 10_000_000

/** Float64 cells `0, 1, 2, …` that record the highest index read. */
function countingCells(): { values: ArrayLike<number>; highestRead: () => number } {
  let highest = -1
  const values = new Proxy(
    { length: ROWS },
    {
      get(target, key) {
        if (typeof key === 'string' && /^\d+$/.test(key)) {
          const index = Number(key)
          if (index > highest) highest = index
          return index
        }
        return Reflect.get(target, key) as unknown
      },
    },
  )
  return { values, highestRead: () => highest }
}

/** An Arrow-shaped table (one batch, one Float64 column `v`) over the counting cells. */
function hugeArrowShapedTable(values: ArrayLike<number>): unknown {
  const type = { typeId: 3, precision: 2, toString: () => 'Float64' }
  const schema = { fields: [{ name: 'v', type }] }
  const data = { type, offset: 0, length: ROWS, nullCount: 0, stride: 1, values, nullBitmap: null, children: [] }
  const batch = { schema, numRows: ROWS, data: { children: [data] }, getChildAt: () => null }
  return { schema, numRows: ROWS, batches: [batch], getChildAt: () => null }
}

describe('tables are serialised lazily', () => {
  test('lines() reads nothing until iterated, then one block at a time', () => {
    const cells = countingCells()
    const lines = tableOf(hugeArrowShapedTable(cells.values)).lines(contextOf(), [])
    assert.equal(cells.highestRead(), -1)
    const iterator = lines[Symbol.iterator]()
    assert.deepEqual([iterator.next().value, iterator.next().value], ['m v=0', 'm v=1'])
    assert.ok(cells.highestRead() < 4096, `read up to row ${cells.highestRead()} for two lines`)
    for (let i = 2; i < 10_000; i++) iterator.next()
    assert.equal(iterator.next().value, 'm v=10000')
    assert.ok(cells.highestRead() < 10_000 + 4096, `read up to row ${cells.highestRead()} for 10001 lines`)
  })

  test('serializeSync hands out chunks of a 10M-row table while reading only what they hold', () => {
    const cells = countingCells()
    const chunks = serializeSync(hugeArrowShapedTable(cells.values), contextOf(), { maxLines: 5000, maxBytes: 1 << 20 })
    const first = chunks.next()
    assert.equal(first.done, false)
    const chunk = first.value as { lines: string[]; bytes: number }
    assert.equal(chunk.lines.length, 5000)
    assert.equal(chunk.lines[4999], 'm v=4999')
    assert.ok(cells.highestRead() < 5000 + 4096, `read up to row ${cells.highestRead()} for the first chunk`)
    chunks.return(undefined)
  })
})
