// Keys named like Object.prototype members (`constructor`, `toString`, `valueOf`, `hasOwnProperty`,
// `__proto__`) are legal InfluxDB keys: every path reads them as the user's own, and a key the
// record lacks is not found on Object.prototype. Checked on the bytes sent.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { tableFromArrays } from 'apache-arrow'
import {
  InfluxDBClientAsync,
  Point,
  predicate,
  RecordError,
  validatePredicate,
  type PointRecord,
} from '../../src/index.js'
import { resolveDefaultTags } from '../../src/line-protocol/default-tags.js'

function capture(defaultTags?: Record<string, string>): { client: InfluxDBClientAsync; bodies: string[] } {
  const bodies: string[] = []
  const fetch = (_url: string, init: RequestInit): Promise<Response> => {
    bodies.push(init.body instanceof Uint8Array ? new TextDecoder().decode(init.body) : (init.body as string))
    return Promise.resolve(new Response(null, { status: 204 }))
  }
  return {
    client: new InfluxDBClientAsync({
      url: 'http://db.invalid',
      org: 'o',
      fetch,
      retry: false,
      ...(defaultTags === undefined ? {} : { defaultTags }),
    }),
    bodies,
  }
}

const PROTO_KEYS = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__'] as const

describe('object records', () => {
  test('fields named like prototype members, next to a fieldTypes option for another field', async () => {
    const { client, bodies } = capture()
    await client.writeApi().write({
      bucket: 'b',
      record: { measurement: 'm', fields: { constructor: 1, toString: 2, f: 3 } },
      fieldTypes: { f: 'int' },
    })
    await client
      .writeApi()
      .write({ bucket: 'b', record: { measurement: 'm', fields: { valueOf: 1 }, fieldTypes: { other: 'int' } } })
    assert.deepEqual(bodies, ['m constructor=1,f=3i,toString=2', 'm valueOf=1'])
  })

  test('JSON-parsed tags and fields named __proto__ are kept', async () => {
    const { client, bodies } = capture()
    const record = JSON.parse(
      '{"measurement":"m","tags":{"__proto__":"x"},"fields":{"__proto__":1,"hasOwnProperty":2}}',
    ) as PointRecord
    await client.writeApi().write({ bucket: 'b', record })
    assert.deepEqual(bodies, ['m,__proto__=x __proto__=1,hasOwnProperty=2'])
  })

  test('a plain record reads its own members only: inherited ones on Object.prototype are not members, a null-prototype record works', async () => {
    const { client, bodies } = capture()
    const proto = Object.prototype as Record<string, unknown>
    proto.time = 5n
    proto.tags = { x: 'y' }
    try {
      const nullProto = Object.assign(Object.create(null) as object, {
        measurement: 'n',
        tags: { t: 'v' },
        fields: { f: 2 },
        time: 7n,
      })
      await client.writeApi().write({ bucket: 'b', record: [{ measurement: 'm', fields: { f: 1 } }, nullProto] })
      const writer = client.writeApi().batchWriter({ bucket: 'b' })
      await writer.write({ measurement: 'm', fields: { f: 1 } })
      writer.add(nullProto)
      await writer.close()
    } finally {
      delete proto.time
      delete proto.tags
    }
    assert.deepEqual(bodies, ['m f=1\nn,t=v f=2 7', 'm f=1\nn,t=v f=2 7'])
  })

  test('class instances: a named member the instance lacks is absent, its own and its class members are read', async () => {
    class Row {
      measurement = 'm'
      v = 1
    }
    class WithGetter extends Row {
      override get valueOf(): number {
        return 7
      }
    }
    const { client, bodies } = capture()
    for (const key of PROTO_KEYS) {
      await client.writeApi().write({ bucket: 'b', record: new Row(), recordTagKeys: [key], recordFieldKeys: ['v'] })
    }
    await client.writeApi().write({
      bucket: 'b',
      record: new Row(),
      recordFieldKeys: ['v', 'toString', 'hasOwnProperty'],
      recordTimeKey: 'constructor',
    })
    // A getter of the class named valueOf is the class's own member: it is read.
    await client.writeApi().write({ bucket: 'b', record: new WithGetter(), recordFieldKeys: ['v', 'valueOf'] })
    assert.deepEqual(bodies, [...PROTO_KEYS.map(() => 'm v=1'), 'm v=1', 'm v=1,valueOf=7'])
    await assert.rejects(
      client.writeApi().write({ bucket: 'b', record: { fields: { v: 1 } }, recordMeasurementKey: 'constructor' }),
      (e: unknown) => {
        assert.ok(e instanceof RecordError)
        assert.equal(
          e.reason,
          'missing measurement: the record has no "constructor" member (or pass recordMeasurementName)',
        )
        return true
      },
    )
  })

  test('a BatchWriter with fieldTypes for another field', async () => {
    const { client, bodies } = capture()
    const writer = client.writeApi().batchWriter({ bucket: 'b', fieldTypes: { f: 'int' } })
    await writer.write({ measurement: 'm', fields: { constructor: 1, f: 1 } })
    await writer.close()
    assert.deepEqual(bodies, ['m constructor=1,f=1i'])
  })
})

describe('tables', () => {
  test('columnar: prototype-named tag and field columns, fieldTypes for another column', async () => {
    const { client, bodies } = capture()
    await client.writeApi().write({
      bucket: 'b',
      record: { hasOwnProperty: ['a'], constructor: [1], f: [2] },
      dataFrameMeasurementName: 'm',
      dataFrameTagColumns: ['hasOwnProperty'],
      fieldTypes: { f: 'int' },
    })
    await client
      .writeApi()
      .write({ bucket: 'b', record: JSON.parse('{"__proto__":[1],"v":[2]}'), dataFrameMeasurementName: 'm' })
    assert.deepEqual(bodies, ['m,hasOwnProperty=a constructor=1,f=2i', 'm __proto__=1,v=2'])
  })

  test('Arrow: a prototype-named field column next to fieldTypes for another', async () => {
    const { client, bodies } = capture()
    const table = tableFromArrays({ toString: ['t'], constructor: Float64Array.from([1]), f: Float64Array.from([2]) })
    await client.writeApi().write({
      bucket: 'b',
      record: table,
      dataFrameMeasurementName: 'm',
      dataFrameTagColumns: ['toString'],
      fieldTypes: { f: 'int' },
    })
    assert.deepEqual(bodies, ['m,toString=t constructor=1,f=2i'])
  })
})

describe('default tags', () => {
  test('client and write API default tags named like prototype members are written', async () => {
    const { client, bodies } = capture(JSON.parse('{"__proto__":"p","constructor":"c"}') as Record<string, string>)
    await client.writeApi().write('b', 'o', new Point('m').floatField('v', 1).time(1n))
    await client
      .writeApi({ defaultTags: JSON.parse('{"__proto__":"q","valueOf":"v"}') as Record<string, string> })
      .write('b', 'o', new Point('m').floatField('v', 1).time(1n))
    assert.deepEqual(bodies, ['m,__proto__=p,constructor=c v=1 1', 'm,__proto__=q,constructor=c,valueOf=v v=1 1'])
  })

  test('${env.constructor} is an unset variable, not Object.prototype.constructor', () => {
    assert.deepEqual(resolveDefaultTags({ a: '${env.constructor}', b: '${env.toString}' }, {}), {})
  })

  test('Point.tags and fieldTexts keep a __proto__ key', () => {
    const point = new Point('m').tag('__proto__', 'x').tag('constructor', 'c').floatField('__proto__', 1)
    assert.deepEqual(Object.entries(point.tags), [
      ['__proto__', 'x'],
      ['constructor', 'c'],
    ])
    assert.deepEqual(Object.entries(point.fieldTexts), [['__proto__', '1']])
  })
})

describe('predicates', () => {
  test('the builder and the validator take prototype-named keys', async () => {
    assert.equal(predicate({ constructor: 'x', toString: 'y' }), 'constructor="x" AND toString="y"')
    assert.equal(predicate(JSON.parse('{"__proto__":"x"}') as Record<string, string>), '__proto__="x"')
    for (const key of PROTO_KEYS) assert.doesNotThrow(() => validatePredicate(`${key}="y"`))
    const { client, bodies } = capture()
    await client.deleteApi().delete(new Date(0), new Date(1000), 'valueOf="y" AND hasOwnProperty="z"', 'b')
    assert.equal((JSON.parse(bodies[0] ?? '') as { predicate: string }).predicate, 'valueOf="y" AND hasOwnProperty="z"')
  })
})
