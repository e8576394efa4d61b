import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { Point } from '../../src/line-protocol/point.js'
import { escapeKey } from '../../src/line-protocol/escape.js'
import { formatFieldValue } from '../../src/line-protocol/values.js'
import { LineWriter } from '../../src/line-protocol/line-writer.js'

describe('Point → line protocol (the reference examples, with JS number = float)', () => {
  test('escaped measurement, empty tag key skipped', () => {
    const p = Point.measurement('h2 o').tag('location', 'europe').tag('', 'warn').field('level', 2)
    assert.equal(p.toLineProtocol(), 'h2\\ o,location=europe level=2')
    assert.equal(
      new Point('h2,o').tag('location', 'europe').intField('level', 2).toLineProtocol(),
      'h2\\,o,location=europe level=2i',
    )
  })
  test('empty tag value skipped', () => {
    assert.equal(
      new Point('h2o').tag('location', 'europe').tag('log', '').field('level', 2n).toLineProtocol(),
      'h2o,location=europe level=2i',
    )
  })
  test('= escaped in tag keys, tag values and field keys, not in the measurement', () => {
    const p = new Point('h=2o').tag('l=ocation', 'e=urope').field('l=evel', 2n)
    assert.equal(p.toLineProtocol(), 'h=2o,l\\=ocation=e\\=urope l\\=evel=2i')
  })
  test('carriage return and tab are written raw (the server stores them as given)', () => {
    const p = new Point('h2\ro\t_data')
      .tag('carriage\rreturn', 'carriage\rreturn')
      .tag('t\tab', 't\tab')
      .field('level', 2n)
    assert.equal(p.toLineProtocol(), 'h2\ro\t_data,carriage\rreturn=carriage\rreturn,t\tab=t\tab level=2i')
  })
  test('a line feed in a name is refused at the setter, naming the key', () => {
    assert.throws(() => new Point('h\n2'), {
      name: 'TypeError',
      message: 'measurement: "h\\n2" contains a line feed, which line protocol cannot carry in a name',
    })
    assert.throws(() => new Point('#m'), {
      name: 'TypeError',
      message: 'measurement: "#m" starts with "#", which makes the line a comment',
    })
    assert.throws(() => new Point(''), { name: 'TypeError', message: 'measurement: it is empty' })
    assert.throws(() => new Point('m').tag('new\nline', 'x'), {
      name: 'TypeError',
      message: /^tag "new\\nline": .*line feed/,
    })
    assert.throws(() => new Point('m').field('f\n', 1), /^TypeError: field "f\\n": .*line feed/)
  })
  test('string values: backslash and quote escaped', () => {
    assert.equal(
      new Point('h2o').field('level', 'string esc\\ape value').toLineProtocol(),
      'h2o level="string esc\\\\ape value"',
    )
    assert.equal(
      new Point('h2o').field('level', 'string esc"ape value').toLineProtocol(),
      'h2o level="string esc\\"ape value"',
    )
  })
  test('fields sorted by key, every type', () => {
    const p = new Point('h2o')
      .tag('location', 'europe')
      .field('string', 'string value')
      .intField('long', 1)
      .field('double', 250.69)
      .field('float', 35.0)
      .field('boolean', false)
      .uintField('ulong', 10n)
      .field('decimal', 25.6)
    assert.equal(
      p.toLineProtocol(),
      'h2o,location=europe boolean=false,decimal=25.6,double=250.69,float=35,long=1i,string="string value",ulong=10u',
    )
  })
  test('null, undefined, NaN and ±Infinity drop the field; a point left with none gives undefined', () => {
    const p = new Point('h2o')
      .field('warning', null)
      .field('a', NaN)
      .field('b', Infinity)
      .field('c', -Infinity)
      .field('d', undefined)
    assert.equal(p.toLineProtocol(), undefined)
    assert.equal(p.toString(), '')
    assert.equal(p.hasFields(), false)
  })
  test('weather example: precision ms, tags sorted, unicode', () => {
    const p = new Point('weather')
      .time('2009-11-10T23:00:00.123456Z', 'ms')
      .tag('sid', '12345')
      .tag('location', 'Přerov')
      .field('temperature', 30.1)
      .intField('int_field', 2)
      .field('float_field', 0)
    assert.equal(
      p.toLineProtocol(),
      'weather,location=Přerov,sid=12345 float_field=0,int_field=2i,temperature=30.1 1257894000123',
    )
  })
  test('backslashes in tag values are kept as they are', () => {
    const p = new Point('test')
      .tag('tag4', 'value\\4')
      .tag('tag5', 'value\\\\5')
      .intField('value', 10)
      .time(1624989000000000000n)
    assert.equal(p.toLineProtocol(), 'test,tag4=value\\4,tag5=value\\\\5 value=10i 1624989000000000000')
  })
  test('a trailing backslash is refused (the reference appends a space and stores "C:\\ ")', () => {
    assert.throws(() => new Point('test').tag('backslash_tag', 'C:\\'), {
      name: 'TypeError',
      message: /^tag "backslash_tag": .*ends with a backslash/,
    })
  })
  test('tag values from numbers, bigints and booleans', () => {
    const p = new Point('m').tag('i', 1).tag('b', true).tag('f', 1.5).tag('n', 2n).field('v', 1n)
    assert.equal(p.toLineProtocol(), 'm,b=true,f=1.5,i=1,n=2 v=1i')
  })
  test('tags and fields are sorted by key whatever the insertion order', () => {
    const p = new Point('m').tag('c', '3').tag('a', '1').tag('b', '2').field('z', 1).field('x', 2).field('y', 3)
    assert.equal(p.toLineProtocol(), 'm,a=1,b=2,c=3 x=2,y=3,z=1')
  })
  test('setting a tag or field again replaces it; null removes it', () => {
    const p = new Point('m').tag('t', 'a').tag('t', 'b').field('f', 1).field('f', 2n).field('g', 1)
    assert.equal(p.toLineProtocol(), 'm,t=b f=2i,g=1')
    p.tag('t', null).field('g', null)
    assert.equal(p.toLineProtocol(), 'm f=2i')
  })
  test('setters refuse wrong types with the key and the reason', () => {
    assert.throws(() => new Point('m').field('f', {}), {
      name: 'TypeError',
      message: /^field "f": object is not a field value/,
    })
    assert.throws(() => new Point('m').intField('f', 1.5), {
      name: 'RangeError',
      message: 'field "f": 1.5 is not an integer, but the field is typed "int"',
    })
    assert.throws(() => new Point('m').floatField('f', '1' as never), /field "f": string is not a number/)
    assert.throws(() => new Point('m').booleanField('f', 1 as never), /field "f": number is not a boolean/)
    assert.throws(() => new Point('m').stringField('f', 1 as never), /field "f": number is not a string/)
    assert.throws(() => new Point('m').tag('t', {} as never), /tag "t": object is not a tag value/)
    assert.throws(() => new Point('m').time(1.5), /not an integer/)
    assert.throws(() => new Point('m').time('nope'), /"nope" is not a valid date-time/)
    assert.throws(() => new Point('m').time(1n, 'h' as never), /precision "h"/)
    assert.throws(() => new Point(5 as never), /measurement: number is not a string/)
  })
})

describe('Point precision', () => {
  test('.time(value) without precision is read in the precision it is written with', () => {
    const p = new Point('m').field('f', 1).time(1n)
    assert.equal(p.writePrecision, undefined)
    assert.equal(p.toLineProtocol('s'), 'm f=1 1')
    assert.equal(p.toLineProtocol(), 'm f=1 1')
  })
  test('.time(value, precision) keeps the precision; another output precision converts exactly', () => {
    const p = new Point('m').field('f', 1).time(123n, 's')
    assert.equal(p.writePrecision, 's')
    assert.equal(p.toLineProtocol(), 'm f=1 123')
    assert.equal(p.toLineProtocol('ms'), 'm f=1 123000')
    assert.equal(p.toLineProtocol('ns'), 'm f=1 123000000000')
    const fine = new Point('m').field('f', 1).time(1999, 'ms')
    assert.equal(fine.toLineProtocol('s'), 'm f=1 1')
  })
  test('a Date without precision converts to whatever precision is asked', () => {
    const p = new Point('m').field('f', 1).time(new Date(Date.UTC(2015, 9, 15, 8, 20, 15, 750)))
    assert.equal(p.toLineProtocol('s'), 'm f=1 1444897215')
    assert.equal(p.toLineProtocol('ns'), 'm f=1 1444897215750000000')
  })
  test('time out of range is reported when the line is made', () => {
    const p = new Point('m').field('f', 1).time(9223372037n, 's')
    assert.throws(() => p.toLineProtocol(), /outside the range InfluxDB accepts/)
  })
  test('time(null) clears the time and the precision', () => {
    const p = new Point('m').field('f', 1).time(5n, 's').time(null)
    assert.equal(p.writePrecision, undefined)
    assert.equal(p.toLineProtocol(), 'm f=1')
  })
})

describe('Point default tags, copy, accessors', () => {
  test("default tags are merged sorted, the point's own tag wins, nothing is mutated", () => {
    const defaults = { location: 'default-loc', id: '132', zz: 'last' }
    const frozen = Object.freeze({ ...defaults })
    const p = new Point('m').tag('location', 'point-loc').tag('b', 'x').field('f', 1n)
    assert.equal(p.toLineProtocol(undefined, frozen), 'm,b=x,id=132,location=point-loc,zz=last f=1i')
    assert.equal(p.toLineProtocol(), 'm,b=x,location=point-loc f=1i')
    assert.deepEqual(p.tags, { b: 'x', location: 'point-loc' })
  })
  test("a caller's own default-tag object is read again on every call: changing it changes the next line", () => {
    const defaults: Record<string, string> = { region: 'eu' }
    const p = new Point('cpu').floatField('usage', 1.5)
    assert.equal(p.toLineProtocol(undefined, defaults), 'cpu,region=eu usage=1.5')
    defaults.region = 'us'
    defaults.host = 'a'
    assert.equal(p.toLineProtocol(undefined, defaults), 'cpu,host=a,region=us usage=1.5')
    delete defaults.host
    assert.equal(p.toLineProtocol(undefined, defaults), 'cpu,region=us usage=1.5')
  })
  test('"time" is refused as a tag key, a field key and a default tag key, naming it', () => {
    assert.throws(() => new Point('m').tag('time', 'x'), {
      name: 'TypeError',
      message: 'tag "time": "time" cannot be a tag key: every InfluxDB refuses it (2.x fails the whole request)',
    })
    assert.throws(() => new Point('m').floatField('time', 1), {
      name: 'TypeError',
      message: 'field "time": "time" cannot be a field key: InfluxDB 1.x and 2.x drop it, 3.x rejects the line',
    })
    assert.throws(
      () => new Point('m').floatField('f', 1).toLineProtocol(undefined, { time: 'x' }),
      /^TypeError: default tag "time": "time" cannot be a tag key/,
    )
    // Other names that merely look reserved are ordinary keys on some server generation.
    assert.equal(
      new Point('m').tag('_field', 'x').tag('Time', 'y').floatField('_value', 1).toLineProtocol(),
      'm,Time=y,_field=x _value=1',
    )
  })
  test('a NaN or ±Infinity tag value is a missing tag, as in a table', () => {
    assert.equal(
      new Point('m')
        .tag('a', NaN)
        .tag('b', Infinity)
        .tag('c', -Infinity)
        .tag('d', 1.5)
        .floatField('f', 1)
        .toLineProtocol(),
      'm,d=1.5 f=1',
    )
  })
  test('default tags that cannot be written are an error', () => {
    assert.throws(() => new Point('m').field('f', 1).toLineProtocol(undefined, { bad: 'x\\' }), /default tag "bad"/)
  })
  test('copy() is independent', () => {
    const a = new Point('m').tag('t', '1').field('f', 1).time(5n, 'ms')
    const b = a.copy().tag('t', '2').field('g', 2)
    assert.equal(a.toLineProtocol(), 'm,t=1 f=1 5')
    assert.equal(b.toLineProtocol(), 'm,t=2 f=1,g=2 5')
    assert.equal(b.writePrecision, 'ms')
  })
  test('name, tags and fieldTexts give back what was set', () => {
    const p = new Point('my m')
      .tag('a b', 'c')
      .tag('k=,', 'v, =\\x')
      .field('x', 1n)
      .field('s', 'v,"w"')
      .field('f=,', 1.5)
    assert.equal(p.name, 'my m')
    assert.deepEqual(p.tags, { 'a b': 'c', 'k=,': 'v, =\\x' })
    assert.deepEqual(p.fieldTexts, { 'f=,': '1.5', s: '"v,\\"w\\""', x: '1i' })
  })
  test('keys set out of order, replaced and removed keep the sets sorted and exact', () => {
    const p = new Point('m')
      .tag('b', 'x,y')
      .tag('a', 'p q')
      .tag('c', '1')
      .tag('b', 'z=1')
      .tag('a', null)
      .field('y', 's,"q"')
      .field('x', 1)
      .field('z', true)
      .field('y', 'again, "x"')
      .field('x', null)
      .field('w', 2n)
    assert.equal(p.toLineProtocol(), 'm,b=z\\=1,c=1 w=2i,y="again, \\"x\\"",z=true')
    assert.equal(p.tag('b', null).tag('c', null).toLineProtocol(), 'm w=2i,y="again, \\"x\\"",z=true')
    assert.equal(p.tag('a', '1').field('a', 1).toLineProtocol(), 'm,a=1 a=1,w=2i,y="again, \\"x\\"",z=true')
  })
})

describe('Point.fromRecord (the reference from_dict cases)', () => {
  const record = {
    measurement: 'h2o_feet',
    tags: { location: 'coyote_creek' },
    fields: { water_level: 1.0, some_counter: 108913123234 },
    time: 1,
  }
  test('fieldTypes uint, int and float', () => {
    assert.equal(
      Point.fromRecord(record, { fieldTypes: { some_counter: 'uint' } }).toLineProtocol(),
      'h2o_feet,location=coyote_creek some_counter=108913123234u,water_level=1 1',
    )
    assert.equal(
      Point.fromRecord(record, { fieldTypes: { some_counter: 'int' } }).toLineProtocol(),
      'h2o_feet,location=coyote_creek some_counter=108913123234i,water_level=1 1',
    )
    assert.equal(
      Point.fromRecord(record, { fieldTypes: { some_counter: 'float' } }).toLineProtocol(),
      'h2o_feet,location=coyote_creek some_counter=108913123234,water_level=1 1',
    )
  })
  test("the record's own fieldTypes win over the option", () => {
    const own = { ...record, fieldTypes: { some_counter: 'int' } }
    assert.equal(
      Point.fromRecord(own, { fieldTypes: { some_counter: 'uint' } }).toLineProtocol(),
      'h2o_feet,location=coyote_creek some_counter=108913123234i,water_level=1 1',
    )
  })
  test('record keys: absent tag and field keys are skipped', () => {
    const sensor = { name: 'sensor_pt859', location: 'warehouse_125', pressure: 125n }
    const p = Point.fromRecord(sensor, {
      recordMeasurementKey: 'name',
      recordTagKeys: ['location', 'version'],
      recordFieldKeys: ['pressure', 'temperature'],
    })
    assert.equal(p.toLineProtocol(), 'sensor_pt859,location=warehouse_125 pressure=125i')
  })
  test('class instances (the NamedTuple and dataclass cases), getters included', () => {
    class Factory {
      constructor(
        readonly measurement: string,
        readonly position: string,
        readonly customers: bigint,
      ) {}
    }
    const factory = Point.fromRecord(new Factory('factory', 'central europe', 123456n), {
      recordTagKeys: ['position'],
      recordFieldKeys: ['customers'],
    })
    assert.equal(factory.toLineProtocol(), 'factory,position=central\\ europe customers=123456i')
    class Car {
      constructor(
        readonly engine: string,
        readonly type: string,
        // A user's class as users write it: a TypeScript-private property is an own property at run time.
        // eslint-disable-next-line no-restricted-syntax
        private readonly kmh: number,
      ) {}
      get speed(): number {
        return this.kmh
      }
    }
    const car = Point.fromRecord(new Car('12V-BT', 'sport-cars', 125.25), {
      recordMeasurementName: 'performance',
      recordTagKeys: ['engine', 'type'],
      recordFieldKeys: ['speed'],
    })
    assert.equal(car.toLineProtocol(), 'performance,engine=12V-BT,type=sport-cars speed=125.25')
  })
  test('writePrecision option gives the point that precision', () => {
    const p = Point.fromRecord({ measurement: 'm', fields: { f: 1 }, time: 5 }, { writePrecision: 's' })
    assert.equal(p.writePrecision, 's')
    assert.equal(p.toLineProtocol('ms'), 'm f=1 5000')
  })
  test('missing measurement or fields is an error with the reason', () => {
    assert.throws(
      () => Point.fromRecord({ fields: { f: 1 } }),
      /missing measurement: the record has no "measurement" member/,
    )
    assert.throws(() => Point.fromRecord({ measurement: 'm' }), /no fields: the record has no "fields" member/)
    assert.throws(() => Point.fromRecord({ measurement: 'm', fields: [1] }), /fields: Array is not an object/)
    assert.throws(
      () => Point.fromRecord({ measurement: 3, fields: { f: 1 } }),
      /measurement: number in "measurement" is not a string/,
    )
  })
  test('tags and fields may be Maps', () => {
    const p = Point.fromRecord({
      measurement: 'm',
      tags: new Map([['t', 'v']]),
      fields: new Map<string, unknown>([['f', 1n]]),
    })
    assert.equal(p.toLineProtocol(), 'm,t=v f=1i')
  })
})

describe('Point tag and field sets under any sequence of changes', () => {
  // Keys that share a first code unit ('a…', 'é…', '😀…' and '\u{FFFF}…' around the surrogates)
  // and keys that differ only there: the sorted insertion compares first code units before strings.
  const key = fc.constantFrom(
    'a',
    'b',
    'c',
    'a b',
    'a,b',
    'a=b',
    'ab',
    'é',
    'éa',
    'b\\x',
    'z',
    '😀',
    '😁',
    '\u{FFFF}',
    '\u{FFFF}a',
  )
  const tagValue = fc.option(fc.constantFrom('1', 'x y', 'p,q', 'k=v', '"q"', 'c\\d', '😀'), { nil: null })
  const fieldValue = fc.option(
    fc.oneof(
      fc.constantFrom('s', 'a,b', 'q"q', 'x\\', 'l\nf', ''),
      fc.integer().map(BigInt),
      fc.boolean(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
    ),
    { nil: null },
  )
  const op = fc.oneof(
    fc.record({ kind: fc.constant('tag' as const), key, value: tagValue }),
    fc.record({ kind: fc.constant('field' as const), key, value: fieldValue }),
  )
  test('the line equals one built from a Map of the last values, sorted, with and without default tags', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 20 }), (ops) => {
        const point = new Point('m')
        const tags = new Map<string, string>()
        const fields = new Map<string, unknown>()
        for (const o of ops) {
          if (o.kind === 'tag') {
            point.tag(o.key, o.value)
            if (o.value === null) tags.delete(o.key)
            else tags.set(o.key, o.value)
          } else {
            point.field(o.key, o.value)
            if (o.value === null) fields.delete(o.key)
            else fields.set(o.key, o.value)
          }
        }
        const sorted = <T>(map: Map<string, T>): [string, T][] =>
          [...map].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
        const tagText = sorted(tags)
          .map(([k, v]) => `,${escapeKey(k)}=${escapeKey(v)}`)
          .join('')
        const fieldText = sorted(fields)
          .map(([k, v]) => `${escapeKey(k)}=${formatFieldValue(k, v)}`)
          .join(',')
        assert.equal(point.toLineProtocol(), fields.size === 0 ? undefined : `m${tagText} ${fieldText}`)
        assert.deepEqual(point.tags, Object.fromEntries(tags))
        const defaults = { a: 'd', 'a,b': 'd 2', m: 'dm', zz: 'dz' }
        const merged = new Map([...Object.entries(defaults), ...tags])
        const mergedText = sorted(merged)
          .map(([k, v]) => `,${escapeKey(k)}=${escapeKey(v)}`)
          .join('')
        assert.equal(
          point.toLineProtocol(undefined, defaults),
          fields.size === 0 ? undefined : `m${mergedText} ${fieldText}`,
        )
      }),
      { numRuns: 2000 },
    )
  })

  test('the bytes that write() sends equal toLineProtocol(), line after line in one writer', () => {
    const intValue = fc.oneof(
      fc.integer(),
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
      fc.constant(Number.MAX_SAFE_INTEGER),
    )
    const typedOp = fc.oneof(
      op,
      fc.record({ kind: fc.constant('int' as const), key, value: intValue }),
      fc.record({ kind: fc.constant('bool' as const), key, value: fc.boolean() }),
      fc.record({ kind: fc.constant('time' as const), value: fc.bigInt({ min: 0n, max: 2n ** 62n }) }),
    )
    fc.assert(
      fc.property(
        fc.array(fc.array(typedOp, { maxLength: 12 }), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (points, withDefaults) => {
          const defaults = withDefaults ? { a: 'd', 'a,b': 'd 2', zz: 'dz' } : undefined
          const writer = new LineWriter(16)
          const expected: string[] = []
          for (const ops of points) {
            const point = new Point('m')
            for (const o of ops) {
              if (o.kind === 'tag') point.tag(o.key, o.value)
              else if (o.kind === 'field') point.field(o.key, o.value)
              else if (o.kind === 'int') point.intField(o.key, o.value)
              else if (o.kind === 'bool') point.booleanField(o.key, o.value)
              else point.time(o.value)
            }
            const line = point.toLineProtocol('ns', defaults)
            assert.equal(point.writeLine(writer, 'ns', defaults), line !== undefined)
            if (line !== undefined) expected.push(line)
          }
          assert.equal(new TextDecoder().decode(writer.body()), expected.join('\n'))
          assert.equal(writer.lineCount, expected.length)
        },
      ),
      { numRuns: 2000 },
    )
  })
})
