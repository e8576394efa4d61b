/** `new InfluxDB({ url, token })` of `@influxdata/influxdb-client`, for writing and deleting. */
import { InfluxDBClientAsync } from '../client.js'
import type { ClientOptions as AsyncClientOptions } from '../options.js'
import { IllegalArgumentError } from './errors.js'
import type { ClientOptions } from './options.js'
import { DEFAULT_WriteOptions, WriteApi, type WriteOptions, type WritePrecisionType } from './write-api.js'

const PRECISIONS: readonly string[] = ['ns', 'us', 'ms', 's']
const HONOURED_TRANSPORT_OPTIONS = new Set(['rejectUnauthorized', 'ca'])

/** The entry point of the official client's write API: `new InfluxDB({ url, token }).getWriteApi(org, bucket)`. */
export class InfluxDB {
  readonly #options: Readonly<ClientOptions>
  readonly #clientOptions: AsyncClientOptions

  /** @param options - client options, or just the server's URL */
  constructor(options: ClientOptions | string) {
    const opts: ClientOptions = typeof options === 'string' ? { url: options } : options
    if (typeof opts !== 'object' || opts === null || typeof opts.url !== 'string' || opts.url === '') {
      throw new IllegalArgumentError('No url specified!')
    }
    if (opts.proxyUrl !== undefined) {
      throw new IllegalArgumentError(
        'proxyUrl is not supported by influxdb-client-async/compat; route through the proxy at the network level, or leave proxyUrl out',
      )
    }
    if (opts.transport !== undefined)
      throw new IllegalArgumentError('a custom transport is not supported by influxdb-client-async/compat')
    this.#options = opts
    const transport = opts.transportOptions ?? {}
    const ignored = Object.keys(transport).filter((key) => !HONOURED_TRANSPORT_OPTIONS.has(key))
    if (ignored.length > 0) {
      process.emitWarning(
        `transportOptions ${ignored.join(', ')} are ignored by influxdb-client-async/compat`,
        'InfluxDBCompatWarning',
      )
    }
    const tls: NonNullable<AsyncClientOptions['tls']> = {}
    if (typeof transport.rejectUnauthorized === 'boolean') tls.rejectUnauthorized = transport.rejectUnauthorized
    if (transport.ca !== undefined) tls.ca = transport.ca as NonNullable<typeof tls.ca>
    this.#clientOptions = {
      url: opts.url,
      ...(opts.token !== undefined && { token: opts.token }),
      ...(opts.timeout !== undefined && { timeout: opts.timeout }),
      ...(opts.headers !== undefined && { headers: opts.headers }),
      ...(Object.keys(tls).length > 0 && { tls }),
      // The write API retries itself, with the official client's rules and callbacks.
      retry: false,
    }
  }

  /**
   * A write API for one organization and bucket. Writes are buffered and sent in batches in the
   * background; `close()` it to send the rest.
   * @param org - organization name or ID; `''` for InfluxDB 1.x, whose API is then asked of the server
   * @param bucket - bucket name or ID, or `database/retention-policy` for InfluxDB 1.8
   * @param precision - the unit of numeric timestamps
   * @param writeOptions - overrides the client's and the default write options
   */
  getWriteApi(
    org: string,
    bucket: string,
    precision: WritePrecisionType = 'ns',
    writeOptions?: Partial<WriteOptions>,
  ): WriteApi {
    if (!PRECISIONS.includes(precision))
      throw new IllegalArgumentError(`precision must be one of ns, us, ms, s; got ${String(precision)}`)
    const options: WriteOptions = { ...DEFAULT_WriteOptions, ...this.#options.writeOptions, ...writeOptions }
    if (options.consistency !== undefined) {
      throw new IllegalArgumentError(
        'consistency is not supported by influxdb-client-async/compat; use InfluxDBClientAsync with apiVersion "v1"',
      )
    }
    checkWriteOptions(options)
    const headers = { ...this.#clientOptions.headers, ...options.headers }
    // The official client's way to InfluxDB 1.8 is an empty org; asking the server which API it
    // speaks also reaches 1.7 and older, which have no /api/v2/write.
    const api = org === '' ? { apiVersion: 'auto' as const } : {}
    let plain: InfluxDBClientAsync | undefined
    let gzip: InfluxDBClientAsync | undefined
    return new WriteApi(
      {
        plain: () => (plain ??= new InfluxDBClientAsync({ ...this.#clientOptions, ...api, headers })),
        gzip: () => (gzip ??= new InfluxDBClientAsync({ ...this.#clientOptions, ...api, headers, enableGzip: true })),
      },
      org,
      bucket,
      precision,
      Object.freeze(options),
    )
  }

  /** The options this client was made with. */
  get options(): Readonly<ClientOptions> {
    return this.#options
  }

  /** @internal A client of this package for the same server, for the delete API. */
  asyncClient(): InfluxDBClientAsync {
    return new InfluxDBClientAsync(this.#clientOptions)
  }
}

function checkWriteOptions(options: WriteOptions): void {
  const numbers = options as unknown as Record<string, unknown>
  for (const key of ['batchSize', 'maxBatchBytes', 'maxBufferLines']) {
    const value = numbers[key]
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
      throw new IllegalArgumentError(`writeOptions.${key} must be an integer >= 1, got ${describe(value)}`)
  }
  for (const key of ['flushInterval', 'maxRetries', 'maxRetryTime', 'retryJitter', 'minRetryDelay', 'maxRetryDelay']) {
    const value = numbers[key]
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
      throw new IllegalArgumentError(`writeOptions.${key} must be a number >= 0, got ${describe(value)}`)
  }
  if (typeof options.exponentialBase !== 'number' || !(options.exponentialBase >= 1)) {
    throw new IllegalArgumentError(
      `writeOptions.exponentialBase must be a number >= 1, got ${describe(options.exponentialBase)}`,
    )
  }
  for (const key of ['writeFailed', 'writeSuccess', 'writeRetrySkipped'] as const) {
    if (typeof options[key] !== 'function') throw new IllegalArgumentError(`writeOptions.${key} must be a function`)
  }
}

function describe(value: unknown): string {
  return typeof value === 'number' || typeof value === 'boolean' || value === undefined || value === null
    ? String(value)
    : typeof value
}
