import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { assertRecordError, linesOf } from './lines.js'

// Expected instants are written out as literals (checked against Date.UTC when written).

describe('table timestamps: where they come from', () => {
  test('a column named time is the timestamp and not a field', () => {
    assert.deepEqual(linesOf({ time: [5n], v: [1] }), ['m v=1 5'])
  })

  test('dataFrameTimestampColumn names the column; a column whose name is only part of it stays a field', () => {
    // The reference took any column whose name was a substring of the timestamp column's name.
    assert.deepEqual(linesOf({ timestamp: [7n], stamp: [1], v: [2] }, { dataFrameTimestampColumn: 'timestamp' }), [
      'm stamp=1,v=2 7',
    ])
  })

  test('with dataFrameTimestampColumn, a column named time would be a field "time", which every server drops or rejects: refused', () => {
    assertRecordError(
      () => linesOf({ ts: [7n], time: ['x'] }, { dataFrameTimestampColumn: 'ts' }),
      'record: column "time": "time" cannot be a field key: InfluxDB 1.x and 2.x drop it, 3.x rejects the line',
    )
    assertRecordError(
      () =>
        linesOf({ ts: [7n], time: ['x'], v: [1] }, { dataFrameTimestampColumn: 'ts', dataFrameTagColumns: ['time'] }),
      'record: tag column "time": "time" cannot be a tag key: every InfluxDB refuses it (2.x fails the whole request)',
    )
  })

  test('64-bit time columns already in the write precision: values just above -2^32 keep their digits and sign', () => {
    const values = [-4_000_000_000n, -4_294_967_296n, -3_999_999_999n, 1_700_000_000_000_000_000n, -4_000_000_000n]
    assert.deepEqual(
      linesOf({ time: new BigInt64Array(values), v: [1, 2, 3, 4, 5] }),
      values.map((t, i) => `m v=${i + 1} ${t}`),
    )
  })

  test('no timestamp column: no timestamp (the server stamps the line)', () => {
    assert.deepEqual(linesOf({ v: [1] }), ['m v=1'])
  })

  test('a missing timestamp in a row that has fields is an error; in a skipped row it is not', () => {
    assertRecordError(
      () => linesOf({ time: [1n, null], v: [1, 2] }),
      'record: row 1, column "time": the timestamp is missing',
    )
    assert.deepEqual(linesOf({ time: [1n, null], v: [1, null] }), ['m v=1 1'])
  })

  test('a boolean column cannot be the timestamp', () => {
    assertRecordError(
      () => linesOf({ time: [true], v: [1] }),
      'record: timestamp column "time" has type boolean, which is not a time',
    )
  })
})

describe('table timestamps: accepted values', () => {
  test('bigint and integer numbers are in the write precision, as they are', () => {
    assert.deepEqual(linesOf({ time: [1586044800n], v: [1] }, {}, 's'), ['m v=1 1586044800'])
    assert.deepEqual(linesOf({ time: [1586044800123, -5], v: [1, 2] }, {}, 'ms'), ['m v=1 1586044800123', 'm v=2 -5'])
    assert.deepEqual(linesOf({ time: new BigInt64Array([1586044800000000123n]), v: [1] }), [
      'm v=1 1586044800000000123',
    ])
  })

  test('a number that is not an integer is refused', () => {
    assertRecordError(
      () => linesOf({ time: [1.5], v: [1] }),
      'record: row 0, column "time": time: 1.5 is not an integer number of precision units',
    )
  })

  test('Date values in every precision', () => {
    const table = { time: [new Date('2020-04-05T00:00:00.123Z')], v: [1] }
    assert.deepEqual(linesOf(table, {}, 'ns'), ['m v=1 1586044800123000000'])
    assert.deepEqual(linesOf(table, {}, 'us'), ['m v=1 1586044800123000'])
    assert.deepEqual(linesOf(table, {}, 'ms'), ['m v=1 1586044800123'])
    assert.deepEqual(linesOf(table, {}, 's'), ['m v=1 1586044800'])
  })

  test('an invalid Date is refused', () => {
    assertRecordError(
      () => linesOf({ time: [new Date(NaN)], v: [1] }),
      'record: row 0, column "time": time: the Date is invalid',
    )
  })

  test('text forms: date, date and minutes, offsets, RFC 3339 with nine fraction digits', () => {
    const table = {
      time: [
        '2018-10-26',
        '2018-10-26 12:00',
        '2018-10-26 12:00:00-05:00',
        '2018-10-26T12:00:00.123456789Z',
        '2020-04-05Z',
        '2018-10-26T13:30:00+0130',
      ],
      v: [1, 2, 3, 4, 5, 6],
    }
    assert.deepEqual(linesOf(table), [
      'm v=1 1540512000000000000',
      'm v=2 1540555200000000000',
      'm v=3 1540573200000000000',
      'm v=4 1540555200123456789',
      'm v=5 1586044800000000000',
      'm v=6 1540555200000000000',
    ])
  })

  test('all four precisions truncate toward zero, exactly', () => {
    const table = { time: ['2018-10-26T12:00:00.123456789Z', '1969-12-31T23:59:59.5Z'], v: [1, 2] }
    assert.deepEqual(linesOf(table, {}, 'ns'), ['m v=1 1540555200123456789', 'm v=2 -500000000'])
    assert.deepEqual(linesOf(table, {}, 'us'), ['m v=1 1540555200123456', 'm v=2 -500000'])
    assert.deepEqual(linesOf(table, {}, 'ms'), ['m v=1 1540555200123', 'm v=2 -500'])
    assert.deepEqual(linesOf(table, {}, 's'), ['m v=1 1540555200', 'm v=2 0'])
  })

  test('text that is not a timestamp names the row', () => {
    assertRecordError(
      () => linesOf({ time: ['2018-10-26', '26/10/2018'], v: [1, 2] }),
      'record: row 1, column "time": "26/10/2018" is not a timestamp (expected e.g. 2018-10-26, 2018-10-26 12:00, 2018-10-26T12:00:00.5Z or 2018-10-26 12:00:00-05:00)',
    )
    assertRecordError(
      () => linesOf({ time: ['2018-02-29'], v: [1] }),
      'record: row 0, column "time": "2018-02-29" is not a valid date and time',
    )
    assertRecordError(
      () => linesOf({ time: ['2018-10-26T12:00:00.1234567891Z'], v: [1] }),
      'record: row 0, column "time": "2018-10-26T12:00:00.1234567891Z" is not a timestamp (expected e.g. 2018-10-26, 2018-10-26 12:00, 2018-10-26T12:00:00.5Z or 2018-10-26 12:00:00-05:00)',
    )
  })

  test('a time outside the servers range is refused', () => {
    assertRecordError(
      () => linesOf({ time: ['2300-01-01'], v: [1] }),
      'record: row 0, column "time": time: 10413792000000000000 (ns) is outside the range InfluxDB accepts, ±9223372036854775806 ns (years 1677 to 2262)',
    )
  })
})

describe('table timestamps: dataFrameTimestampTimezone', () => {
  const berlin = { dataFrameTimestampTimezone: 'Europe/Berlin' }

  test('naive text is read in the zone (summer and winter offsets)', () => {
    assert.deepEqual(linesOf({ time: ['2020-05-24 10:00', '2020-01-01'], v: [1, 2] }, berlin), [
      'm v=1 1590307200000000000',
      'm v=2 1577833200000000000',
    ])
  })

  test('text with a zone, Dates and integers are instants: the zone does not move them', () => {
    assert.deepEqual(linesOf({ time: ['2020-05-24T10:00:00Z', '2020-05-24 10:00+02:00'], v: [1, 2] }, berlin, 's'), [
      'm v=1 1590314400',
      'm v=2 1590307200',
    ])
    assert.deepEqual(linesOf({ time: [new Date('2020-05-24T10:00:00Z')], v: [1] }, berlin, 's'), ['m v=1 1590314400'])
    assert.deepEqual(linesOf({ time: [1590314400n], v: [1] }, berlin, 's'), ['m v=1 1590314400'])
  })

  test('spring forward (Europe/Berlin 2021-03-28 02:00 → 03:00): the times around the gap, and the gap refused', () => {
    assert.deepEqual(linesOf({ time: ['2021-03-28 01:59:59', '2021-03-28 03:00'], v: [1, 2] }, berlin, 's'), [
      'm v=1 1616893199',
      'm v=2 1616893200',
    ])
    assertRecordError(
      () => linesOf({ time: ['2021-03-28 02:30'], v: [1] }, berlin),
      'record: row 0, column "time": 2021-03-28 02:30 does not exist in Europe/Berlin: the clocks skipped it (daylight-saving change)',
    )
  })

  test('fall back (Europe/Berlin 2021-10-31 03:00 → 02:00): a repeated time is the earlier instant', () => {
    assert.deepEqual(linesOf({ time: ['2021-10-31 02:30', '2021-10-31 03:00'], v: [1, 2] }, berlin, 's'), [
      'm v=1 1635640200',
      'm v=2 1635645600',
    ])
  })

  test('America/New_York: 01:30 on 2021-11-07 is the EDT one; 02:30 on 2021-03-14 does not exist', () => {
    const newYork = { dataFrameTimestampTimezone: 'America/New_York' }
    assert.deepEqual(linesOf({ time: ['2021-11-07 01:30', '2021-11-07 02:30'], v: [1, 2] }, newYork, 's'), [
      'm v=1 1636263000',
      'm v=2 1636270200',
    ])
    assertRecordError(
      () => linesOf({ time: ['2021-03-14 02:30'], v: [1] }, newYork),
      'record: row 0, column "time": 2021-03-14 02:30 does not exist in America/New_York: the clocks skipped it (daylight-saving change)',
    )
  })

  test('nanoseconds survive the zone conversion', () => {
    assert.deepEqual(linesOf({ time: ['2020-05-24 10:00:00.000000001'], v: [1] }, berlin), [
      'm v=1 1590307200000000001',
    ])
  })

  test('a fixed offset and UTC are zones too', () => {
    assert.deepEqual(linesOf({ time: ['2020-01-01 05:30'], v: [1] }, { dataFrameTimestampTimezone: '+05:30' }, 's'), [
      'm v=1 1577836800',
    ])
    assert.deepEqual(linesOf({ time: ['2020-01-01'], v: [1] }, { dataFrameTimestampTimezone: 'UTC' }, 's'), [
      'm v=1 1577836800',
    ])
  })

  test('an unknown zone is refused before any line', () => {
    assertRecordError(
      () => linesOf({ time: ['2020-01-01'], v: [1] }, { dataFrameTimestampTimezone: 'Mars/Olympus_Mons' }),
      'record: dataFrameTimestampTimezone "Mars/Olympus_Mons" is not a known IANA time zone or ±HH:MM offset',
    )
  })
})
