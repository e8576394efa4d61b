// Write-time retention, as InfluxDB 2.x's points writer applies it before points reach a shard
// (v1/coordinator/points_writer.go): a point older than `now - period` is dropped and reported
// in the engine's own words. Shards expiring later, as time passes, is not modelled: a stored
// point stays until it is deleted or the server is reset.
import type { ParsedPoint } from './line-parser.js'
import { formatRfc3339Nano } from '../line-protocol/time.js'

/** A retention rule as the buckets API carries it. */
export interface RetentionRule {
  /** The only kind of rule InfluxDB 2.x has. */
  type: 'expire'
  /** How long points are kept, seconds; 0 keeps them forever. */
  everySeconds: number
  /** Accepted and reported back as the buckets API carries it; storage does not use it. */
  shardGroupDurationSeconds?: number
}
const NANOS_PER_SECOND = 1_000_000_000n

/** The period of the bucket's expire rule in seconds, or undefined when points never expire. */
export function retentionSeconds(rules: readonly RetentionRule[]): number | undefined {
  const rule = rules.find((r) => r.type === 'expire')
  // 0 is how the buckets API spells "infinite".
  return rule !== undefined && rule.everySeconds > 0 ? rule.everySeconds : undefined
}

/** Collects the points that fall before a retention period's lower bound. */
export class RetentionFilter {
  readonly lowerBound: bigint
  count = 0
  #oldest: ParsedPoint | undefined
  #newest: ParsedPoint | undefined

  constructor(
    readonly seconds: number,
    now: bigint,
  ) {
    this.lowerBound = now - BigInt(seconds) * NANOS_PER_SECOND
  }

  /** True when the point is too old; it is then counted and must not be stored. */
  expires(point: ParsedPoint): boolean {
    if (point.time >= this.lowerBound) return false
    this.count++
    // Strict comparisons: on a tie InfluxDB names the first such point of the body.
    if (this.#oldest === undefined || point.time < this.#oldest.time) this.#oldest = point
    if (this.#newest === undefined || point.time > this.#newest.time) this.#newest = point
    return true
  }

  /** The partial-write reason, without the `dropped=` count and the database suffix. */
  reason(): string {
    const bound = formatRfc3339Nano(this.lowerBound)
    const describe = (which: string, point: ParsedPoint) =>
      `${which} point ${lineProtocolKey(point)} at ${formatRfc3339Nano(point.time)} dropped because it violates a Retention Policy Lower Bound at ${bound}`
    return (
      `dropped ${this.count} points outside retention policy of duration ${goDuration(this.seconds)} - ` +
      `${describe('oldest', this.#oldest!)}, ${describe('newest', this.#newest!)}`
    )
  }
}

/** Go's `time.Duration.String()` for a whole, positive number of seconds: `1h0m0s`, `1m30s`, `45s`. */
export function goDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  const s = seconds % 60
  if (h > 0) return `${h}h${m}m${s}s`
  if (m > 0) return `${m}m${s}s`
  return `${s}s`
}

// The series key as Go's models.MakeKey prints it: tags sorted, line-protocol escapes.
function lineProtocolKey(point: ParsedPoint): string {
  let key = point.measurement.replace(/[, ]/g, '\\$&')
  for (const [k, v] of point.tags) key += `,${k.replace(/[,= ]/g, '\\$&')}=${v.replace(/[,= ]/g, '\\$&')}`
  return key
}
