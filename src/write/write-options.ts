import type { WritePrecision } from '../line-protocol/precision.js'
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
  bucket: string
  org?: string | { id: string }
  record?: unknown
  /** `'auto'` (InfluxDB 3 only): the server reads each timestamp's unit from its size. */
  writePrecision?: WritePrecision | 'auto'
}
