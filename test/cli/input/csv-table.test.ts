import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { CsvTableBuilder, CsvHeaderError, formatCsvRow } from '../../../src/cli/input/csv-table.js'
import type { FieldValueType } from '../../../src/cli/input/values.js'

function builder(
  header: string[],
  tagColumns: string[] = [],
  timestampColumn?: string,
  types: Record<string, FieldValueType> = {},
): CsvTableBuilder {
  return new CsvTableBuilder(header, { tagColumns, timestampColumn, fieldTypes: new Map(Object.entries(types)) })
}

describe('CsvTableBuilder', () => {
  test('types cells: tags as strings, inferred float/bool/string, integer timestamps as bigint, empty as null', () => {
    const b = builder(['loc', 'level', 'ok', 'note', 'time'], ['loc'], 'time')
    assert.equal(b.add({ fields: ['us-west', '1.5', 'true', 'hi', '100'], line: 2 }), undefined)
    assert.equal(b.add({ fields: ['', '2', 'FALSE', '', '200'], line: 3 }), undefined)
    assert.equal(b.rows, 2)
    assert.deepEqual(b.take(), {
      loc: ['us-west', null],
      level: [1.5, 2],
      ok: [true, false],
      note: ['hi', null],
      time: [100n, 200n],
    })
    assert.equal(b.rows, 0)
    assert.deepEqual(b.take(), { loc: [], level: [], ok: [], note: [], time: [] })
  })

  test('pinned types: int and uint as bigint with range checks, string keeps digits', () => {
    const b = builder(['a', 'b', 'c'], [], undefined, { a: 'int', b: 'uint', c: 'string' })
    assert.equal(b.add({ fields: ['-9223372036854775808', '18446744073709551615', '007'], line: 2 }), undefined)
    assert.deepEqual(b.take(), { a: [-(2n ** 63n)], b: [2n ** 64n - 1n], c: ['007'] })
    assert.deepEqual(b.add({ fields: ['9223372036854775808', '1', 'x'], line: 3 }), {
      line: 3,
      text: '9223372036854775808,1,x',
      reason: 'column "a": 9223372036854775808 is out of the int64 range',
    })
    assert.deepEqual(b.add({ fields: ['1', '-1', 'x'], line: 4 })?.reason, 'column "b": -1 is out of the uint64 range')
    assert.deepEqual(b.add({ fields: ['1.5', '1', 'x'], line: 5 })?.reason, 'column "a": "1.5" is not an integer')
  })

  test('a column keeps the type of its first value; a misfit refuses the row and leaves the table unchanged', () => {
    const b = builder(['v', 'w'])
    assert.equal(b.add({ fields: ['1', 'x'], line: 2 }), undefined)
    assert.deepEqual(b.add({ fields: ['abc', 'y'], line: 3 }), {
      line: 3,
      text: 'abc,y',
      reason:
        'column "v": "abc" is not a number; the column\'s first value made it float (pin it with --field-types v=string)',
    })
    assert.equal(b.add({ fields: ['2', '3'], line: 4 }), undefined, 'an inferred string column accepts digits')
    assert.deepEqual(b.take(), { v: [1, 2], w: ['x', '3'] })
  })

  test('the first non-empty value settles the type, even in a later row', () => {
    const b = builder(['v', 'w'])
    assert.equal(b.add({ fields: ['', '1'], line: 2 }), undefined)
    assert.equal(b.add({ fields: ['true', '1'], line: 3 }), undefined)
    assert.match(b.add({ fields: ['1', '1'], line: 4 })?.reason ?? '', /is not true or false/)
  })

  test('refuses rows with the wrong cell count or no field value', () => {
    const b = builder(['t', 'v'], ['t'])
    assert.deepEqual(b.add({ fields: ['a'], line: 7 }), {
      line: 7,
      text: 'a',
      reason: 'has 1 cell(s), the header has 2',
    })
    assert.deepEqual(b.add({ fields: ['a', ''], line: 8 }), {
      line: 8,
      text: 'a,',
      reason: 'has no field value (every field cell is empty)',
    })
    assert.equal(b.rows, 0)
  })

  test('timestamps may not switch between integers and text', () => {
    const b = builder(['v', 'ts'], [], 'ts')
    assert.equal(b.add({ fields: ['1', '2024-01-01 00:00:00'], line: 2 }), undefined)
    assert.equal(
      b.add({ fields: ['1', '5'], line: 3 })?.reason,
      'column "ts": "5" is an integer, but earlier timestamps were date-time text',
    )
    assert.deepEqual(b.take().ts, ['2024-01-01 00:00:00'])
  })

  test('float values out of range are refused', () => {
    const b = builder(['v'])
    assert.equal(b.add({ fields: ['1e999'], line: 2 })?.reason, 'column "v": "1e999" is out of the float64 range')
  })

  test('header errors', () => {
    assert.throws(() => builder(['a', 'a']), new CsvHeaderError('header names column "a" twice'))
    assert.throws(() => builder(['a', '']), new CsvHeaderError('header column 2 has no name'))
    assert.throws(
      () => builder(['a', 'b'], ['c']),
      new CsvHeaderError('--tag-columns names "c", which is not a column of the header (a, b)'),
    )
    assert.throws(() => builder(['a', 'b'], [], 'ts'), /--timestamp-column names "ts"/)
    assert.throws(() => builder(['a', 'b'], [], undefined, { z: 'int' }), /--field-types names "z"/)
    assert.throws(() => builder(['a', 'time']), /column "time" is a reserved key name/)
    assert.throws(() => builder(['a', 'b'], ['a'], 'b'), /the header has no field column/)
  })

  test('formatCsvRow quotes only where needed', () => {
    assert.equal(formatCsvRow(['a', 'b,c', 'say "x"', 'l\nm', '']), 'a,"b,c","say ""x""","l\nm",')
  })
})
