import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { asTable } from '../../../src/records/tables/index.js'
import { assertRecordError, contextOf, linesOf, tableOf } from './lines.js'

describe('plain columnar objects: detection', () => {
  test('a plain object of arrays and typed arrays is a table', () => {
    assert.ok(asTable({ a: [1], b: new Float64Array([1]) }) !== undefined)
    assert.ok(asTable(Object.assign(Object.create(null) as object, { a: [1] })) !== undefined)
  })
  test('objects that are records, not tables, are left alone', () => {
    assert.equal(asTable({ measurement: 'm', fields: { v: 1 } }), undefined)
    assert.equal(asTable({ a: [1], b: 2 }), undefined)
    assert.equal(asTable({}), undefined)
    assert.equal(asTable([[1], [2]]), undefined)
    assert.equal(
      asTable(
        new (class Row {
          a = [1]
        })(),
      ),
      undefined,
    )
    assert.equal(asTable({ a: new DataView(new ArrayBuffer(1)) }), undefined)
    assert.equal(asTable('m v=1'), undefined)
    assert.equal(asTable(null), undefined)
  })
})

describe('plain columnar objects: column types', () => {
  test('JS arrays: number → float, bigint → i, boolean, string, tag column', () => {
    const table = {
      time: [1n, 2n],
      host: ['h 1', 'h,2'],
      f: [1.5, -0],
      i: [10n, -5n],
      b: [true, false],
      s: ['a "q"', 'back\\slash'],
    }
    assert.deepEqual(linesOf(table, { dataFrameTagColumns: ['host'] }), [
      'm,host=h\\ 1 b=true,f=1.5,i=10i,s="a \\"q\\"" 1',
      'm,host=h\\,2 b=false,f=-0,i=-5i,s="back\\\\slash" 2',
    ])
  })

  test('numbers print as JavaScript prints them', () => {
    assert.deepEqual(linesOf({ v: [1, 1e21, 1e-7, 123456789012345680000, 0.1] }), [
      'm v=1',
      'm v=1e+21',
      'm v=1e-7',
      'm v=123456789012345680000',
      'm v=0.1',
    ])
  })

  test('typed arrays: floats are floats, integer arrays are i, BigUint64Array is u', () => {
    const table = {
      f32: new Float32Array([1.1]),
      f64: new Float64Array([0.1]),
      i8: new Int8Array([-8]),
      u8: new Uint8Array([255]),
      c8: new Uint8ClampedArray([7]),
      i16: new Int16Array([-32768]),
      u16: new Uint16Array([65535]),
      i32: new Int32Array([-2147483648]),
      u32: new Uint32Array([4294967295]),
      i64: new BigInt64Array([-9223372036854775808n]),
      u64: new BigUint64Array([18446744073709551615n]),
    }
    assert.deepEqual(linesOf(table), [
      'm c8=7i,f32=1.100000023841858,f64=0.1,i16=-32768i,i32=-2147483648i,i64=-9223372036854775808i,' +
        'i8=-8i,u16=65535i,u32=4294967295i,u64=18446744073709551615u,u8=255i',
    ])
  })

  test('bigint outside int64 is an error naming row and column', () => {
    assertRecordError(
      () => linesOf({ v: [1n, 2n ** 63n] }),
      'record: row 1, column "v": field "v": 9223372036854775808 is out of the int64 range',
    )
  })

  test('NaN is a missing cell in a column of any type (danfo.js marks missing strings with it)', () => {
    const table = {
      time: [new Date(1), new Date(2), new Date(3)],
      host: ['a', NaN, 'c'],
      s: [NaN, 'x', 'y'],
      b: [true, NaN, false],
      n: [1n, 2n, NaN],
    }
    assert.deepEqual(linesOf(table, { dataFrameTagColumns: ['host'], dataFrameTimestampColumn: 'time' }, 'ms'), [
      'm,host=a b=true,n=1i 1',
      'm n=2i,s="x" 2',
      'm,host=c b=false,s="y" 3',
    ])
    // A time column with NaN: the row still has fields, so its missing time is named.
    assertRecordError(
      () => linesOf({ time: [new Date(1), NaN], v: [1, 2] }, { dataFrameTimestampColumn: 'time' }, 'ms'),
      'record: row 1, column "time": the timestamp is missing',
    )
  })

  test('a column mixing types is refused before any line', () => {
    assertRecordError(
      () => tableOf({ v: [1, 'a', null] }).lines(contextOf(), []),
      'record: column "v" mixes number and string values',
    )
    assertRecordError(() => linesOf({ v: [1, 2n] }), 'record: column "v" mixes number and bigint values')
  })

  test('a column of objects is refused', () => {
    assertRecordError(() => linesOf({ v: [{ a: 1 }] }), 'record: column "v" has type Object, which cannot be a field')
  })

  test('a Date column that is not the timestamp is refused with a hint', () => {
    assertRecordError(
      () => linesOf({ v: [1], at: [new Date(0)] }),
      'record: column "at" holds times (Date), which cannot be a field; make it the timestamp column with dataFrameTimestampColumn',
    )
  })

  test('fieldTypes turns number columns into integers, with exact checks', () => {
    assert.deepEqual(
      linesOf({ a: [1, 2], b: [3, null], c: [4n, 5n] }, { fieldTypes: { a: 'int', b: 'uint', c: 'float' } }),
      ['m a=1i,b=3u,c=4', 'm a=2i,c=5'],
    )
    assertRecordError(
      () => linesOf({ a: [1, 2.5] }, { fieldTypes: { a: 'int' } }),
      'record: row 1, column "a": field "a": 2.5 is not an integer, but the field is typed "int"',
    )
    assertRecordError(
      () => linesOf({ a: [-1] }, { fieldTypes: { a: 'uint' } }),
      'record: row 0, column "a": field "a": -1 is out of the uint64 range',
    )
    assertRecordError(
      () => linesOf({ a: ['x'] }, { fieldTypes: { a: 'int' } }),
      'record: fieldTypes asks for int in column "a", which holds string values',
    )
  })
})

describe('plain columnar objects: missing values', () => {
  test('null, undefined, NaN and ±Infinity leave the field out; a row with no field left is skipped and counted', () => {
    const table = tableOf({
      v: [1, null, undefined, NaN, Infinity, -Infinity, 2],
      w: [null, 'x', null, null, null, null, null],
    })
    assert.deepEqual([...table.lines(contextOf(), [])], ['m v=1', 'm w="x"', 'm v=2'])
    assert.equal(table.skippedRows, 4)
  })

  test('skippedRows restarts with each iteration and grows while iterating', () => {
    const table = tableOf({ v: [null, 1, null, 2] })
    const iterator = table.lines(contextOf(), [])[Symbol.iterator]()
    assert.equal(iterator.next().value, 'm v=1')
    assert.equal(iterator.next().value, 'm v=2')
    assert.equal(table.skippedRows, 2)
    assert.deepEqual([...table.lines(contextOf(), [])], ['m v=1', 'm v=2'])
    assert.equal(table.skippedRows, 2)
  })

  test('a null or empty tag cell leaves the tag out', () => {
    assert.deepEqual(linesOf({ t: ['', null, 'a', undefined], v: [1, 2, 3, 4] }, { dataFrameTagColumns: ['t'] }), [
      'm v=1',
      'm v=2',
      'm,t=a v=3',
      'm v=4',
    ])
  })

  test('a tag column with nulls escapes like any tag (the reference wrote `t=a b` there)', () => {
    assert.deepEqual(linesOf({ t: ['a b', null, 'c=d', 'e,f'], v: [1, 2, 3, 4] }, { dataFrameTagColumns: ['t'] }), [
      'm,t=a\\ b v=1',
      'm v=2',
      'm,t=c\\=d v=3',
      'm,t=e\\,f v=4',
    ])
  })

  test('number, bigint and boolean tag values; NaN skips the tag', () => {
    assert.deepEqual(
      linesOf({ f: [1.5, NaN], i: [7n, 8n], b: [true, false], v: [1, 2] }, { dataFrameTagColumns: ['f', 'i', 'b'] }),
      ['m,b=true,f=1.5,i=7 v=1', 'm,b=false,i=8 v=2'],
    )
  })

  test('a column that is null everywhere writes nothing', () => {
    assert.deepEqual(linesOf({ v: [1, 2], none: [null, null] }), ['m v=1', 'm v=2'])
  })

  test('an empty table has no lines', () => {
    assert.deepEqual(linesOf({ v: [] }), [])
  })
})

describe('plain columnar objects: names, tags and default tags', () => {
  test('tags are sorted by key with the default tags; a column shadows a default tag of its name', () => {
    const options = { dataFrameTagColumns: ['zone', 'host'], defaultTags: { dc: 'eu 1', host: 'default-host' } }
    assert.deepEqual(linesOf({ host: ['h1', null], zone: ['z', 'z'], v: [1, 2] }, options), [
      'm,dc=eu\\ 1,host=h1,zone=z v=1',
      'm,dc=eu\\ 1,zone=z v=2',
    ])
  })

  test('a default tag shadowed by a field column is not added', () => {
    assert.deepEqual(linesOf({ host: [1], v: [2] }, { defaultTags: { host: 'x' } }), ['m host=1,v=2'])
  })

  test('measurement, tag keys and field keys are escaped', () => {
    assert.deepEqual(
      linesOf(
        { 'tag key': ['v'], 'a b=c,d': [1] },
        { dataFrameMeasurementName: 'my m,x=y', dataFrameTagColumns: ['tag key'] },
      ),
      ['my\\ m\\,x=y,tag\\ key=v a\\ b\\=c\\,d=1'],
    )
  })

  test('a name that no escaping can carry is refused', () => {
    assertRecordError(
      () => linesOf({ 'bad\\': [1] }),
      'record: column "bad\\\\": "bad\\\\" ends with a backslash, which would escape the delimiter after it',
    )
    assertRecordError(
      () => linesOf({ t: ['x\\'], v: [1] }, { dataFrameTagColumns: ['t'] }),
      'record: row 0, column "t": tag value: "x\\\\" ends with a backslash, which would escape the delimiter after it',
    )
    assertRecordError(
      () => linesOf({ v: [1] }, { dataFrameMeasurementName: '#m' }),
      'record: dataFrameMeasurementName: "#m" starts with "#", which makes the line a comment',
    )
  })
})

describe('plain columnar objects: errors before any line', () => {
  test('dataFrameMeasurementName is required', () => {
    assertRecordError(
      () => tableOf({ v: [1] }).lines(contextOf({ dataFrameMeasurementName: undefined }), [3, 1]),
      'record [3][1]: writing a table (columnar object) needs dataFrameMeasurementName, the measurement of its rows',
      [3, 1],
    )
    assertRecordError(
      () => tableOf({ v: [1] }).lines(contextOf({ dataFrameMeasurementName: '' }), []),
      'record: writing a table (columnar object) needs dataFrameMeasurementName, the measurement of its rows',
    )
  })

  test('an unknown tag column is named, with the columns there are', () => {
    assertRecordError(
      () => tableOf({ v: [1], w: [2] }).lines(contextOf({ dataFrameTagColumns: ['nope'] }), [2]),
      'record [2]: dataFrameTagColumns names "nope", which is not a column of the columnar object (columns: v, w)',
    )
  })

  test('an unknown timestamp column is named', () => {
    assertRecordError(
      () => tableOf({ v: [1] }).lines(contextOf({ dataFrameTimestampColumn: 'ts' }), []),
      'record: dataFrameTimestampColumn names "ts", which is not a column of the columnar object (columns: v)',
    )
  })

  test('columns of different lengths', () => {
    assertRecordError(
      () => linesOf({ a: [1, 2], b: [1] }),
      'record: the columns differ in length: "a" has 2 values, "b" has 1',
    )
  })

  test('a table with no field column', () => {
    assertRecordError(
      () => linesOf({ t: ['a'], time: [1n] }, { dataFrameTagColumns: ['t'] }),
      'record: the columnar object has no field column (every column is a tag or the timestamp)',
    )
  })

  test('a tag column cannot also be the timestamp column', () => {
    assertRecordError(
      () => linesOf({ t: [1n], v: [1] }, { dataFrameTagColumns: ['t'], dataFrameTimestampColumn: 't' }),
      'record: column "t" is both a tag column and the timestamp column',
    )
  })
})
