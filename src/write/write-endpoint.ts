/**
 * Where a write goes on each API, and its query: InfluxDB 2.x's `/api/v2/write`, 1.x's `/write`
 * and 3.x's `/api/v3/write_lp`. The bucket names each generation's target: a 2.x bucket, a 1.x
 * `database` or `database/retention-policy`, a 3.x database.
 */
import { InvalidArgumentError } from '../errors.js'
import type { ApiVersion } from '../http/api-version.js'
import type { WritePrecision } from '../line-protocol/precision.js'

/** 1.x's write consistency (InfluxDB Enterprise clusters; OSS ignores it). */
export type WriteConsistency = 'any' | 'one' | 'quorum' | 'all'

/** Options of a write that only some APIs have. */
export interface ApiWriteOptions {
  /** v1 only: `consistency` of InfluxDB Enterprise 1.x. */
  consistency?: WriteConsistency
  /** v3 only: write without waiting for the write-ahead log to be persisted (`no_sync=true`). Default false. */
  noSync?: boolean
  /**
   * v3 only: keep the valid lines of a body that has bad ones (`accept_partial`, the server's
   * default true); false rejects the whole body on its first bad line.
   */
  acceptPartial?: boolean
}

/** What a write request needs besides its body. */
export interface WriteEndpoint {
  path: string
  query: Record<string, string | undefined>
}

const V1_PRECISION: Record<WritePrecision, string> = { ns: 'n', us: 'u', ms: 'ms', s: 's' }
const V3_PRECISION: Record<WritePrecision | 'auto', string> = {
  ns: 'nanosecond',
  us: 'microsecond',
  ms: 'millisecond',
  s: 'second',
  auto: 'auto',
}
const CONSISTENCIES: readonly string[] = ['any', 'one', 'quorum', 'all']

/**
 * The path and query of a write. `org` is used by v2 only; `precision` 'auto' exists on v3 only.
 * 1.x refuses `precision=us` (1.6 even reads it as ns without a word), so v1 sends `u`.
 */
export function writeEndpoint(
  api: ApiVersion,
  target: { bucket: string; org: string | undefined; precision: WritePrecision | 'auto' },
  options: ApiWriteOptions = {},
): WriteEndpoint {
  const { bucket, org, precision } = target
  if (precision === 'auto' && api !== 'v3') {
    throw new InvalidArgumentError(
      `write: precision 'auto' is InfluxDB 3's (apiVersion 'v3'); this client writes with apiVersion '${api}'`,
    )
  }
  if (api === 'v1') {
    const { db, rp } = splitV1Bucket(bucket, 'write')
    return {
      path: '/write',
      query: { db, rp, precision: V1_PRECISION[precision as WritePrecision], consistency: options.consistency },
    }
  }
  if (api === 'v3') {
    return {
      path: '/api/v3/write_lp',
      query: {
        db: bucket,
        precision: V3_PRECISION[precision],
        // Sent only when they differ from the server's defaults, as InfluxDB's own client does.
        accept_partial: options.acceptPartial === false ? 'false' : undefined,
        no_sync: options.noSync === true ? 'true' : undefined,
      },
    }
  }
  return { path: '/api/v2/write', query: { org, bucket, precision } }
}

/** Checks the options that belong to one API and refuses them on another, before anything is sent. */
export function checkApiWriteOptions(api: ApiVersion | undefined, options: ApiWriteOptions, operation: string): void {
  const { consistency, noSync, acceptPartial } = options
  if (consistency !== undefined && !CONSISTENCIES.includes(consistency)) {
    throw new InvalidArgumentError(
      `${operation}: "consistency" must be one of any, one, quorum, all; got ${JSON.stringify(consistency)}`,
    )
  }
  if (noSync !== undefined && typeof noSync !== 'boolean')
    throw new InvalidArgumentError(`${operation}: "noSync" must be a boolean`)
  if (acceptPartial !== undefined && typeof acceptPartial !== 'boolean')
    throw new InvalidArgumentError(`${operation}: "acceptPartial" must be a boolean`)
  if (api === undefined) return
  if (consistency !== undefined && api !== 'v1') {
    throw new InvalidArgumentError(
      `${operation}: "consistency" is InfluxDB 1.x's (apiVersion 'v1'); this client writes with apiVersion '${api}'`,
    )
  }
  for (const [name, value] of [
    ['noSync', noSync],
    ['acceptPartial', acceptPartial],
  ] as const) {
    if (value !== undefined && api !== 'v3') {
      throw new InvalidArgumentError(
        `${operation}: "${name}" is InfluxDB 3's (apiVersion 'v3'); this client writes with apiVersion '${api}'`,
      )
    }
  }
}

/**
 * A 1.x bucket: `database`, or `database/retention-policy` as 1.8's v2 endpoints read it (split at
 * the first `/`).
 */
export function splitV1Bucket(bucket: string, operation: string): { db: string; rp: string | undefined } {
  const slash = bucket.indexOf('/')
  if (slash === -1) return { db: bucket, rp: undefined }
  const db = bucket.slice(0, slash)
  const rp = bucket.slice(slash + 1)
  if (db === '' || rp === '') {
    throw new InvalidArgumentError(
      `${operation}: bucket ${JSON.stringify(bucket)} must be "database" or "database/retention-policy" on InfluxDB 1.x`,
    )
  }
  return { db, rp }
}
/** The options of a write that only some APIs have. */
export function apiWriteOptionsOf(options: ApiWriteOptions): ApiWriteOptions {
  const picked: ApiWriteOptions = {}
  if (options.consistency !== undefined) picked.consistency = options.consistency
  if (options.noSync !== undefined) picked.noSync = options.noSync
  if (options.acceptPartial !== undefined) picked.acceptPartial = options.acceptPartial
  return picked
}
