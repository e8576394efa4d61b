import type { WritePrecision } from '../line-protocol/precision.js'
import type { OrgInput } from '../http/destination.js'
import type { RetryOptions } from '../http/retry.js'
import type { Transport } from '../http/transport.js'
import type { ApiSelection } from '../http/api-selector.js'
import type { RecordOptions } from '../line-protocol/point-from-record.js'
import type { TableOptions } from '../records/options.js'
import type { ApiWriteOptions } from './write-endpoint.js'

/** Per-call options of `write()`. */
export interface WriteCallOptions extends RecordOptions, TableOptions, ApiWriteOptions {
  /** Aborts the request(s). */
  signal?: AbortSignal
  /** Overrides the client's timeout for this call, in milliseconds. */
  timeout?: number
}

/** The object form of `write()`. */
export interface WriteParameters extends WriteCallOptions {
  /** Bucket to write to: a name or an ID. */
  bucket: string
  /** Organization: a name, an ID, or `{ id }`. Default: the client's `org`. */
  org?: OrgInput
  /** What to write: any record kind of `write()`, alone or in (async) iterables. Nothing to write resolves `true` without a request. */
  record?: unknown
  /** `'auto'` (InfluxDB 3 only): the server reads each timestamp's unit from its size. */
  writePrecision?: WritePrecision | 'auto'
}

/** What a write API needs from its client. */
export interface WriteApiContext {
  transport: Transport
  /** The client's default org. */
  org: OrgInput | undefined
  /** Resolved default tags (client's, then the PointSettings'); a record's own tag wins. */
  defaultTags: Readonly<Record<string, string>>
  enableGzip: boolean
  retry: RetryOptions | false
  /** The API writes go through (v1, v2, v3, or asked of the server). */
  api: ApiSelection
}
