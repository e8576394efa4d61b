// Property test: random measurements, tag keys and values, field keys and values, and
// timestamps in a random precision go through the public client into real InfluxDB 1.6.7, natively
// (apiVersion 'v1') and through the v2 path (gateway), and must come back exactly.
//
// What the generators leave out, and why (each exclusion is a name the client must refuse, or a
// server rule; the second property below checks that nothing in these groups is lost silently):
// - a line feed in a name: line protocol has no escape for it                      → client refuses
// - a backslash at the end of a name, or before `,` `=` space `"`: the server
//   would read it as an escape                                                     → client refuses
// - a measurement starting with `#` (the line becomes a comment), a measurement
//   or field key starting with a tab or NUL (stripped as leading whitespace)      → client refuses
// - empty measurement or field key                                                 → client refuses
// - the key `time` for a tag or field: InfluxDB 1.x drops it (partial write)       → server error, never silent
// - a field key equal to a tag key of the same point: storable, but InfluxQL's
//   SELECT * renames one of them (`k_1`), so the read-back would be ambiguous       (generator only)
// - lone UTF-16 surrogates in any name or string: UTF-8 cannot encode them       → client refuses
//   (checked in influxdb-roundtrip.test.ts)
// Empty tag keys and values are generated: the client skips such a tag (documented on Point.tag),
// so the expected point lacks it.
import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { isDeepStrictEqual } from 'node:util'
import fc from 'fast-check'
import { InfluxDBError, RecordError } from '../../src/index.js'
import { INFLUX_V1_URL, needServer } from '../support/servers.js'
import { INFLUX_TARGET_MODES, useInfluxTarget } from '../support/real-influx.js'
import { NANOS_PER_UNIT, type WritePrecision } from '../../src/line-protocol/precision.js'
import { createDatabase, fieldTypesByMeasurement, selectSeries } from '../support/influx.js'
import { JsonNumber, type JsonValue } from '../support/lossless-json.js'

const DB_PREFIX = 'h3_property'
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const TIME_LIMIT = 9_223_372_036_854_775_806n

/** Pieces that exercise escaping, mixed with arbitrary well-formed text. */
const piece = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      ',',
      '=',
      ' ',
      '"',
      "'",
      '\\',
      '\t',
      '\r',
      '#',
      '😀',
      'ü',
      '東京',
      '\u0000',
      '\u00a0',
      '‍',
    ),
  },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 4 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 2 }) },
)
const rawName = fc.array(piece, { minLength: 1, maxLength: 5 }).map((parts) => parts.join(''))

/** True when the client would have to refuse the name (see the list at the top). */
function unrepresentable(name: string): boolean {
  return name === '' || name.includes('\n') || /\\(?:[,= "]|$)/.test(name)
}
const startsBadly = (name: string): boolean => name.startsWith('\t') || name.startsWith('\u0000')

const measurementName = rawName.filter((n) => !unrepresentable(n) && !n.startsWith('#') && !startsBadly(n))
const tagKey = fc.oneof(
  { weight: 1, arbitrary: fc.constant('') },
  { weight: 6, arbitrary: rawName.filter((n) => !unrepresentable(n) && n !== 'time') },
)
const tagValue = fc.oneof(
  { weight: 1, arbitrary: fc.constant('') },
  { weight: 6, arbitrary: rawName.filter((n) => !unrepresentable(n)) },
)
const fieldKey = rawName.filter((n) => !unrepresentable(n) && !startsBadly(n) && n !== 'time')

type FieldKind = 'float' | 'integer' | 'string' | 'boolean'
type FieldValue = number | bigint | string | boolean
const valueOf: Record<FieldKind, fc.Arbitrary<FieldValue>> = {
  float: fc.double({ noNaN: true, noDefaultInfinity: true }),
  integer: fc.bigInt({ min: INT64_MIN, max: INT64_MAX }),
  string: fc.string({ unit: 'grapheme', maxLength: 12 }),
  boolean: fc.boolean(),
}

interface Case {
  precision: WritePrecision
  measurement: string
  tagKeys: string[]
  schema: [string, FieldKind][]
  points: { tags: Record<string, string>; fields: Record<string, FieldValue>; time: bigint }[]
}

// One measurement per run with a fixed field schema (a type may not change within a shard),
// 1-4 points with distinct timestamps (equal ones would merge).
const caseArb: fc.Arbitrary<Case> = fc
  .record({
    measurement: measurementName,
    tagKeys: fc.uniqueArray(tagKey, { maxLength: 3 }),
    schema: fc.uniqueArray(fc.tuple(fieldKey, fc.constantFrom<FieldKind>('float', 'integer', 'string', 'boolean')), {
      minLength: 1,
      maxLength: 4,
      selector: ([key]) => key,
    }),
    times: fc.uniqueArray(fc.bigInt({ min: -TIME_LIMIT, max: TIME_LIMIT }), { minLength: 1, maxLength: 4 }),
    precision: fc.constantFrom<WritePrecision>('ns', 'us', 'ms', 's'),
  })
  .filter(({ tagKeys, schema }) => schema.every(([key]) => !tagKeys.includes(key)))
  // Times in the precision's units (truncated toward zero), still distinct.
  .map((c) => ({ ...c, times: c.times.map((t) => t / NANOS_PER_UNIT[c.precision]) }))
  .filter(({ times }) => new Set(times).size === times.length)
  .chain(({ measurement, tagKeys, schema, times, precision }) =>
    fc
      .tuple(
        ...times.map((time) =>
          fc.record({
            tags: fc
              .tuple(...tagKeys.map(() => tagValue))
              .map((values) => Object.fromEntries(tagKeys.map((k, i) => [k, values[i]]))),
            fields: fc
              .tuple(...schema.map(([, kind]) => valueOf[kind]))
              .map((values) => Object.fromEntries(schema.map(([k], i) => [k, values[i]]))),
            time: fc.constant(time),
          }),
        ),
      )
      .map((points) => ({ precision, measurement, tagKeys, schema, points })),
  )

function sameValue(stored: JsonValue | undefined, expected: FieldValue): boolean {
  if (typeof expected === 'bigint') return stored instanceof JsonNumber && stored.raw === expected.toString()
  if (typeof expected === 'number') return stored instanceof JsonNumber && Object.is(stored.toNumber(), expected)
  return stored === expected
}

const server = await needServer(`${INFLUX_V1_URL}/ping`, 204, 'InfluxDB 1.6.7')
for (const mode of INFLUX_TARGET_MODES) {
  describe(`property (${mode}): random points round-trip exactly through real InfluxDB 1.6.7`, server, () => {
    const DB = `${DB_PREFIX}_${mode.replace('-', '_')}`
    const target = useInfluxTarget(DB, mode)

    test('measurements, tags, fields and timestamps in every precision come back exactly', async () => {
      await fc.assert(
        fc.asyncProperty(caseArb, async (c) => {
          await createDatabase(DB)
          const records = c.points.map((p) => ({
            measurement: c.measurement,
            tags: p.tags,
            fields: p.fields,
            time: p.time,
          }))
          assert.equal(await target().client.writeApi().write(DB, undefined, records, c.precision), true)
          const unit = NANOS_PER_UNIT[c.precision]

          const series = await selectSeries(DB, 'SELECT * FROM /.*/ GROUP BY *')
          const stored = series.flatMap((s) =>
            s.values.map((row) => {
              const cells = Object.fromEntries(s.columns.map((col, i) => [col, row[i] ?? null]))
              // GROUP BY * lists every tag key of the measurement; '' means the series lacks it.
              return {
                name: s.name,
                tags: Object.fromEntries(Object.entries(s.tags).filter(([, v]) => v !== '')),
                cells,
              }
            }),
          )
          assert.equal(stored.length, c.points.length, `stored ${stored.length} of ${c.points.length} points`)
          for (const point of c.points) {
            const expectedTags = Object.fromEntries(Object.entries(point.tags).filter(([k, v]) => k !== '' && v !== ''))
            const match = stored.find(
              (s) =>
                s.name === c.measurement &&
                (s.cells.time as JsonNumber).raw === (point.time * unit).toString() &&
                isDeepStrictEqual(s.tags, expectedTags),
            )
            assert.ok(
              match,
              `point at ${point.time} with tags ${JSON.stringify(expectedTags)} not found in ${JSON.stringify(stored.map((s) => [s.name, s.tags, (s.cells.time as JsonNumber).raw]))}`,
            )
            for (const [key, value] of Object.entries(point.fields)) {
              assert.ok(
                sameValue(match.cells[key], value),
                `field ${JSON.stringify(key)}: stored ${JSON.stringify(match.cells[key])}, sent ${String(value)}`,
              )
            }
          }
          assert.deepEqual(await fieldTypesByMeasurement(DB), { [c.measurement]: Object.fromEntries(c.schema) })
        }),
        // All 60 cases run: a slow machine takes longer, it does not check less.
        { numRuns: 60 },
      )
    })

    test('the excluded names are refused before sending, or fail loudly: never stored as something else', async () => {
      await createDatabase(DB)
      const before = target().requestsTo(target().writePath).length
      const refusedByClient = fc.oneof(
        rawName.map((n) => `${n}\n${n}`),
        rawName.map((n) => `${n}\\`),
        fc.tuple(rawName, fc.constantFrom(',', '=', ' ', '"'), rawName).map(([a, c, b]) => `${a}\\${c}${b}`),
      )
      const where = fc.constantFrom('measurement', 'tagKey', 'tagValue', 'fieldKey')
      await fc.assert(
        fc.asyncProperty(refusedByClient, where, async (name, at) => {
          const record = {
            measurement: at === 'measurement' ? name : 'm',
            tags: at === 'tagKey' ? { [name]: 'v' } : at === 'tagValue' ? { t: name } : {},
            fields: at === 'fieldKey' ? { [name]: 1 } : { v: 1 },
            time: 1n,
          }
          await assert.rejects(target().client.writeApi().write(DB, undefined, record), RecordError)
        }),
        { numRuns: 60 },
      )
      for (const record of [
        { measurement: '#comment', fields: { v: 1 } },
        { measurement: '\tlead', fields: { v: 1 } },
        { measurement: 'm', fields: { '\tlead': 1 } },
        { measurement: '', fields: { v: 1 } },
        { measurement: 'm', fields: { '': 1 } },
      ]) {
        await assert.rejects(
          target().client.writeApi().write(DB, undefined, record),
          RecordError,
          JSON.stringify(record),
        )
      }
      assert.equal(target().requestsTo(target().writePath).length, before, 'refused records must not be sent')

      // `time` as a tag or field key: the server drops it; the caller must hear about it.
      for (const record of [
        { measurement: 'reserved', tags: { time: 'x' }, fields: { v: 1 }, time: 1n },
        { measurement: 'reserved', fields: { time: 1 }, time: 1n },
      ]) {
        await assert.rejects(
          target().client.writeApi().write(DB, undefined, record),
          (e: unknown) => e instanceof RecordError || e instanceof InfluxDBError,
        )
      }
    })
  })
}
