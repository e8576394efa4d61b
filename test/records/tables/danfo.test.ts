import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import * as dfd from 'danfojs'
import { asTable } from '../../../src/records/tables/index.js'
import { assertRecordError, contextOf, linesOf, tableOf } from './lines.js'

describe('danfo: column types', () => {
  test('detected by shape', () => {
    assert.ok(asTable(new dfd.DataFrame({ v: [1] })) !== undefined)
  })

  test('numbers are floats even where danfo guesses int32; bigints, booleans and strings', () => {
    const frame = new dfd.DataFrame({ n: [1, 2], f: [1.5, -2.25], b: [true, false], s: ['a "q"', 'x y'] })
    assert.deepEqual(frame.dtypes, ['int32', 'float32', 'boolean', 'string'])
    assert.deepEqual(linesOf(frame), ['m b=true,f=1.5,n=1,s="a \\"q\\""', 'm b=false,f=-2.25,n=2,s="x y"'])
  })

  test('fieldTypes writes integers, and refuses a non-integer that danfo hid behind int32', () => {
    const values = Array.from({ length: 25 }, (_, i) => i)
    values[22] = 2.5
    const frame = new dfd.DataFrame({ n: values })
    assert.deepEqual(frame.dtypes, ['int32'])
    assert.throws(() => linesOf(frame, { fieldTypes: { n: 'int' } }), {
      message: 'record: row 22, column "n": field "n": 2.5 is not an integer, but the field is typed "int"',
    })
    assert.deepEqual(linesOf(new dfd.DataFrame({ n: [1, 2] }), { fieldTypes: { n: 'int' } }), ['m n=1i', 'm n=2i'])
  })

  test('nulls and NaN leave fields out; an empty row is skipped and counted', () => {
    const source = tableOf(new dfd.DataFrame({ f: [1.5, NaN, null], s: [null, 'x', null] }))
    assert.deepEqual([...source.lines(contextOf(), [])], ['m f=1.5', 'm s="x"'])
    assert.equal(source.skippedRows, 1)
  })

  test('tag columns with nulls and escaping', () => {
    const frame = new dfd.DataFrame({ host: ['a b', null, 'c,d'], v: [1.5, 2.5, 3.5] })
    assert.deepEqual(linesOf(frame, { dataFrameTagColumns: ['host'] }), [
      'm,host=a\\ b v=1.5',
      'm v=2.5',
      'm,host=c\\,d v=3.5',
    ])
  })

  test('unknown tag column names the danfo DataFrame', () => {
    assertRecordError(
      () => linesOf(new dfd.DataFrame({ v: [1] }), { dataFrameTagColumns: ['host'] }),
      'record: dataFrameTagColumns names "host", which is not a column of the danfo DataFrame (columns: v)',
    )
  })
})

// danfo's typings allow only strings and numbers in an index; at runtime it keeps Dates as they are.
const dateIndex = (dates: Date[]): string[] => dates as unknown as string[]

describe('danfo: timestamps', () => {
  test('an index of Dates is the timestamp', () => {
    const frame = new dfd.DataFrame(
      { v: [1.5, 2.5] },
      { index: dateIndex([new Date('2020-04-05T00:00:00Z'), new Date('2020-04-05T00:00:01Z')]) },
    )
    assert.deepEqual(linesOf(frame, {}, 's'), ['m v=1.5 1586044800', 'm v=2.5 1586044801'])
  })

  test('an index of timestamp texts is the timestamp, read in the zone when naive', () => {
    const frame = new dfd.DataFrame({ v: [1.5, 2.5] }, { index: ['2020-05-24 10:00', '2020-05-24T10:00:00Z'] })
    assert.deepEqual(linesOf(frame, { dataFrameTimestampTimezone: 'Europe/Berlin' }, 's'), [
      'm v=1.5 1590307200',
      'm v=2.5 1590314400',
    ])
  })

  test('the default numeric index is not a time: a time column is used, else none', () => {
    assert.deepEqual(linesOf(new dfd.DataFrame({ v: [1.5] })), ['m v=1.5'])
    assert.deepEqual(linesOf(new dfd.DataFrame({ v: [1.5], time: ['2020-04-05'] }), {}, 's'), ['m v=1.5 1586044800'])
  })

  test('dataFrameTimestampColumn wins over a time index', () => {
    const frame = new dfd.DataFrame(
      { v: [1.5], at: [new Date('2020-04-05T00:00:00Z')] },
      { index: dateIndex([new Date(0)]) },
    )
    assert.deepEqual(frame.dtypes, ['float32', 'datetime'])
    assert.deepEqual(linesOf(frame, { dataFrameTimestampColumn: 'at' }, 's'), ['m v=1.5 1586044800'])
  })

  test('an index text that is not a time names the index and row', () => {
    const frame = new dfd.DataFrame({ v: [1.5, 2.5] }, { index: ['2020-04-05', 'later'] })
    assertRecordError(
      () => linesOf(frame),
      'record: row 1, column "index": "later" is not a timestamp (expected e.g. 2018-10-26, 2018-10-26 12:00, 2018-10-26T12:00:00.5Z or 2018-10-26 12:00:00-05:00)',
    )
  })
})
