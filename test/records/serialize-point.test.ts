// The single-Point fast path (serializePoint) must give exactly what serializeSync gives for the same lone Point.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { Point } from '../../src/line-protocol/point.js'
import { serializePoint, serializeSync } from '../../src/records/serialize.js'
import type { SerializeContext } from '../../src/records/options.js'
import { RecordError } from '../../src/errors.js'

const limits = { maxLines: 5000, maxBytes: 8 << 20 }

function viaWalker(point: Point, ctx: SerializeContext): unknown {
  try {
    return [...serializeSync(point, ctx, limits)]
  } catch (error) {
    return error
  }
}

function viaFastPath(point: Point, ctx: SerializeContext): unknown {
  try {
    return [serializePoint(point, ctx)]
  } catch (error) {
    return error
  }
}

describe('serializePoint', () => {
  const contexts: SerializeContext[] = [
    { precision: 'ns', defaultTags: {} },
    { precision: 's', defaultTags: { dc: 'eu-1', host: 'default' } },
  ]
  const points = (): Point[] => [
    new Point('cpu').tag('host', 'a').floatField('usage', 1.5).intField('count', 3).time(1700000000000000000n),
    new Point('cpu').field('v', 1).time(5n, 'ms'),
    new Point('cpu').tag('region', 'ü w').stringField('s', 'é "q"').time('2020-01-01T00:00:00.123456789Z'),
    new Point('no fields').tag('host', 'a'),
    new Point('far').field('v', 1).time(9_223_372_036_854_775_000n),
  ]

  for (const ctx of contexts) {
    test(`same chunk or same error as serializeSync (precision ${ctx.precision}, ${Object.keys(ctx.defaultTags).length} default tags)`, () => {
      const [a, b] = [points(), points()]
      for (let i = 0; i < a.length; i++) {
        const walker = viaWalker(a[i], ctx)
        const fast = viaFastPath(b[i], ctx)
        if (walker instanceof Error) {
          assert.ok(fast instanceof RecordError, `point ${i}: the fast path must fail too`)
          assert.ok(walker instanceof RecordError)
          assert.deepEqual([fast.path, fast.reason], [walker.path, walker.reason])
        } else {
          assert.deepEqual(fast, walker, `point ${i}`)
        }
      }
    })
  }

  test('a point without fields names the lone record', () => {
    assert.throws(() => serializePoint(new Point('m'), { precision: 'ns', defaultTags: {} }), {
      name: 'RecordError',
      message: 'record: no fields: a point needs at least one field with a value',
    })
  })
})
