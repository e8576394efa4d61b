// The point that the batch benchmark and the instruction-count harness build: 2 tags, a float,
// an integer and a boolean field, and an ns timestamp.
import { Point } from '../src/index.js'

const BASE_NS = 1_700_000_000_000_000_000n
const REGIONS = ['eu-west', 'eu-central', 'us-east', 'us-west'] as const

/** Point number `i` of a benchmark stream: 100 hosts, 4 regions, one nanosecond apart. */
export function benchPoint(i: number): Point {
  return new Point('bench')
    .tag('host', `host-${i % 100}`)
    .tag('region', REGIONS[i & 3])
    .floatField('usage', i * 0.25)
    .intField('count', i)
    .booleanField('ok', (i & 1) === 0)
    .time(BASE_NS + BigInt(i), 'ns')
}
