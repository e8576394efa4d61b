/**
 * One-shot writes: `await writeApi.write(bucket, org, records)` resolves `true` once every line
 * is accepted, or throws. Records are serialised by `records/serialize.ts`; each chunk goes out
 * as one request through the retry policy, and a 413 answer splits the chunk in halves.
 */
import { InfluxDBError, InvalidArgumentError } from '../errors.js'
import { abortedError, RetryPolicy } from '../http/retry.js'
import { WRITE_DEFAULTS } from '../defaults.js'
import { isWritePrecision, type WritePrecision } from '../line-protocol/precision.js'
import { orgQueryValue, requireBucket, type OrgInput } from '../http/destination.js'
import { serializeAny, serializeSync } from '../records/serialize.js'
import type { LineChunk } from '../records/line-chunk.js'
import type { ChunkLimits, SerializeContext } from '../records/options.js'
import { isTable } from '../records/tables/index.js'
import { isAsyncIterable } from '../records/nested.js'
import { someNested } from '../records/nested.js'
import type {
  ReadAnyRecordOptions,
  ReadAnyWriteParameters,
  WriteApiContext,
  WriteCallOptions,
  WriteParameters,
  WriteRecords,
} from './write-options.js'
import type { ApiVersion, ApiVersionOption } from '../http/api-version.js'
import { apiWriteOptionsOf, checkApiWriteOptions, writeEndpoint, type ApiWriteOptions } from './write-endpoint.js'
import { createBatchWriter } from './batch-factory.js'
import type { BatchWriter } from './batch-writer.js'
import type { BatchWriterOptions } from './batch-options.js'

/** Where and how one body is sent. */
interface Target {
  api: { version: ApiVersion; chosen: ApiVersionOption }
  bucket: string
  /** v2 only. */
  org: string | undefined
  /** Sent as `precision=auto` (v3), whatever the chunk's precision. */
  autoPrecision: boolean
  apiOptions: ApiWriteOptions
  signal: AbortSignal | undefined
  timeout: number | undefined
}

/**
 * Writes records: line-protocol text, bytes, Points, plain objects, class instances, tables,
 * and any (async) iterable of them, to any depth.
 */
export class WriteApiAsync {
  readonly #ctx: WriteApiContext
  readonly #retry: RetryPolicy | undefined

  /**
   * Users call `client.writeApi()`.
   * @internal
   */
  static create(context: WriteApiContext): WriteApiAsync {
    return new WriteApiAsync(context)
  }

  private constructor(context: WriteApiContext) {
    this.#ctx = { ...context, defaultTags: Object.freeze({ ...context.defaultTags }) }
    this.#retry = context.retry === false ? undefined : new RetryPolicy(context.retry)
  }

  /** The resolved default tags this API adds to records that lack them. */
  get defaultTags(): Readonly<Record<string, string>> {
    return this.#ctx.defaultTags
  }

  /**
   * A {@link BatchWriter} for writing at volume: background batches with backpressure, bounded
   * requests in flight and retries. `await writer.close()` (or `await using`) when done.
   */
  batchWriter(options: BatchWriterOptions & ReadAnyRecordOptions): BatchWriter<unknown>
  /** A {@link BatchWriter} whose `write()` takes {@link WriteRecords}; see {@link WriteApiAsync.batchWriter}. */
  batchWriter(options: BatchWriterOptions): BatchWriter
  batchWriter(options: BatchWriterOptions): BatchWriter<unknown> {
    return createBatchWriter(options, this.#ctx)
  }

  /**
   * Writes `record` and resolves `true` when the server accepted every line.
   *
   * - Org and bucket are checked first; `org` falls back to the client's.
   * - Synchronous input is serialised and validated completely before the first request, so a
   *   bad record means nothing is sent. One request per precision (first-seen order), split
   *   at line boundaries above 8 MiB; all requests are awaited, then the first error is thrown.
   * - An async iterable is streamed in chunks of 5000 lines, one request at a time. A bad record
   *   late in the stream fails after earlier chunks were written; the error message says how many lines were.
   * - So is input holding a table, in chunks of `chunkSize` rows (default 5000): a table is
   *   checked as a whole (measurement, columns, types) before its first line, a bad cell fails
   *   when its chunk is reached.
   * - Nothing to write resolves `true` without a request.
   */
  write(
    bucket: string,
    org?: OrgInput,
    record?: WriteRecords,
    writePrecision?: WritePrecision | 'auto',
    options?: WriteCallOptions,
  ): Promise<true>
  /**
   * Writes records of any shape, read through the record or table options (class instances, objects with other keys,
   * tables); see {@link WriteApiAsync.write}.
   */
  write(
    bucket: string,
    org: OrgInput | undefined,
    record: unknown,
    writePrecision: WritePrecision | 'auto' | undefined,
    options: WriteCallOptions & ReadAnyRecordOptions,
  ): Promise<true>
  /** The object form; see {@link WriteApiAsync.write}. */
  write(parameters: WriteParameters): Promise<true>
  /** The object form for records of any shape, read through its record or table options; see {@link WriteApiAsync.write}. */
  write(parameters: ReadAnyWriteParameters): Promise<true>
  async write(
    bucketOrParameters: string | WriteParameters | ReadAnyWriteParameters,
    org?: OrgInput,
    record?: unknown,
    writePrecision?: WritePrecision | 'auto',
    options: WriteCallOptions = {},
  ): Promise<true> {
    const call = normalizeWriteCall(bucketOrParameters, org, record, writePrecision, options)
    const bucket = requireBucket(call.bucket, 'write')
    const known = this.#ctx.api.known
    // Org is checked now where the API is known; for 'auto', once the server has said which API.
    if (known === 'v2') orgQueryValue(call.org, this.#ctx.org, 'write')
    const apiOptions = apiWriteOptionsOf(call.options)
    checkApiWriteOptions(known, apiOptions, 'write')
    const requested = call.writePrecision ?? 'ns'
    const autoPrecision = requested === 'auto'
    if (autoPrecision && known !== undefined && known !== 'v3') {
      throw new InvalidArgumentError(
        `write: "writePrecision" 'auto' is InfluxDB 3's (apiVersion 'v3'); this client writes with apiVersion '${known}'`,
      )
    }
    // With 'auto', Dates and RFC 3339 times are written in ns; the server reads every timestamp's unit from its size.
    const precision = autoPrecision ? 'ns' : requested
    if (!isWritePrecision(precision)) {
      throw new InvalidArgumentError(
        `write: "writePrecision" must be one of ns, us, ms, s (or 'auto' on InfluxDB 3); got ${JSON.stringify(precision)}`,
      )
    }
    const resolveTarget = async (): Promise<Target> => {
      const api = await this.#ctx.api.requestApi(call.options.signal)
      checkApiWriteOptions(api.version, apiOptions, 'write')
      if (autoPrecision && api.version !== 'v3') {
        throw new InvalidArgumentError(
          `write: "writePrecision" 'auto' is InfluxDB 3's (apiVersion 'v3'); apiVersion 'auto' chose '${api.version}'`,
        )
      }
      return {
        api,
        bucket,
        org: api.version === 'v2' ? orgQueryValue(call.org, this.#ctx.org, 'write') : undefined,
        autoPrecision,
        apiOptions,
        signal: call.options.signal,
        timeout: call.options.timeout,
      }
    }
    const chunkSize = call.options.chunkSize
    if (chunkSize !== undefined && !(Number.isSafeInteger(chunkSize) && chunkSize >= 1)) {
      throw new InvalidArgumentError(`write: "chunkSize" must be an integer >= 1, got ${String(chunkSize)}`)
    }
    if (call.options.signal?.aborted === true) throw abortedError(call.options.signal)
    const ctx: SerializeContext = { ...recordOptionsOf(call.options), precision, defaultTags: this.#ctx.defaultTags }
    // Tables can be any size: streamed in chunks of `chunkSize` rows rather than collected whole.
    if (someNested(call.record, streamed)) return this.#writeStream(call.record, ctx, await resolveTarget())
    const chunks = [
      ...serializeSync(call.record, ctx, { maxLines: Number.MAX_SAFE_INTEGER, maxBytes: WRITE_DEFAULTS.maxBodyBytes }),
    ]
    // Nothing to write sends nothing, not even the /ping of 'auto' (InfluxDB 3 answers an empty body with 400).
    if (chunks.every((chunk) => chunk.lineCount === 0)) return true
    const target = await resolveTarget()
    const results = await mapLimit(chunks, WRITE_DEFAULTS.concurrency, (chunk) => this.#sendChunk(chunk, target))
    for (const chunk of chunks) chunk.recycle()
    const failure = results.find((r) => r.status === 'rejected')
    if (failure !== undefined) throw failure.reason
    return true
  }

  async #writeStream(record: unknown, ctx: SerializeContext, target: Target): Promise<true> {
    const limits: ChunkLimits = {
      maxLines: ctx.chunkSize ?? WRITE_DEFAULTS.streamChunkLines,
      maxBytes: WRITE_DEFAULTS.maxBodyBytes,
    }
    let written = 0
    // One request on the wire while the next chunk is being serialised.
    let inFlight: Promise<unknown> | undefined
    let failure: { error: unknown } | undefined
    const send = (chunk: LineChunk): Promise<unknown> =>
      this.#sendChunk(chunk, target).then(
        () => {
          written += chunk.lineCount
          chunk.recycle()
        },
        (error: unknown) => (failure ??= { error }),
      )
    try {
      for await (const chunk of serializeAny(record, ctx, limits)) {
        await inFlight
        if (failure !== undefined) break
        inFlight = send(chunk)
      }
      await inFlight
    } catch (error) {
      await inFlight
      failure ??= { error }
    }
    if (failure !== undefined) throw noteWrittenLines(failure.error, written)
    return true
  }

  /**
   * Sends a chunk as one request (retried per the policy). On 413 its lines are split in halves,
   * and each half is sent the same way; a single line that is still too large fails.
   */
  async #sendChunk(chunk: LineChunk, target: Target): Promise<void> {
    const count = chunk.lineCount
    if (count === 0) return
    try {
      await this.#sendBody(chunk.body, chunk.precision, target)
    } catch (error) {
      if (!(error instanceof InfluxDBError && error.statusCode === 413 && count > 1)) throw error
      // One half after the other: both at once, recursively, put hundreds of requests on the
      // wire against a server that answers 413 to everything.
      const middle = Math.ceil(count / 2)
      let failure: { error: unknown } | undefined
      for (const half of [chunk.slice(0, middle), chunk.slice(middle, count)]) {
        await this.#sendChunk(half, target).catch((halfError: unknown) => (failure ??= { error: halfError }))
      }
      if (failure !== undefined) throw failure.error
    }
  }

  #sendBody(body: Uint8Array, precision: WritePrecision, target: Target): Promise<unknown> {
    const endpoint = writeEndpoint(
      target.api.version,
      { bucket: target.bucket, org: target.org, precision: target.autoPrecision ? 'auto' : precision },
      target.apiOptions,
    )
    const attempt = (): Promise<unknown> =>
      this.#ctx.transport.request({
        method: 'POST',
        path: endpoint.path,
        query: endpoint.query,
        api: target.api,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body,
        gzip: this.#ctx.enableGzip,
        ...(target.timeout !== undefined ? { timeout: target.timeout } : {}),
        ...(target.signal !== undefined ? { signal: target.signal } : {}),
      })
    if (this.#retry === undefined) return attempt()
    return this.#retry.run(attempt, {
      stop: this.#ctx.transport.closeSignal,
      ...(target.signal !== undefined ? { signal: target.signal } : {}),
    })
  }
}

interface WriteCall {
  bucket: unknown
  org: OrgInput | undefined
  record: unknown
  writePrecision: WritePrecision | 'auto' | undefined
  options: WriteCallOptions
}

function normalizeWriteCall(
  first: string | WriteParameters | ReadAnyWriteParameters,
  org: OrgInput | undefined,
  record: unknown,
  writePrecision: WritePrecision | 'auto' | undefined,
  options: WriteCallOptions,
): WriteCall {
  if (typeof first === 'object' && first !== null) {
    const { bucket, org: o, record: r, writePrecision: p, ...rest } = first
    return { bucket, org: o, record: r, writePrecision: p, options: rest }
  }
  return { bucket: first, org, record, writePrecision, options: options ?? {} }
}

const NOT_RECORD_OPTIONS = ['signal', 'timeout', 'consistency', 'noSync', 'acceptPartial'] as const

function recordOptionsOf(
  options: WriteCallOptions,
): Omit<WriteCallOptions, 'signal' | 'timeout' | keyof ApiWriteOptions> {
  const rest: WriteCallOptions = { ...options }
  for (const key of NOT_RECORD_OPTIONS) delete rest[key]
  return rest
}

function noteWrittenLines(error: unknown, written: number): unknown {
  if (written > 0 && error instanceof Error) {
    error.message += ` (${written} line(s) of this streamed write were written before this error)`
  }
  return error
}

/** Runs `task` over `items` with at most `limit` at once; settles all, in input order. */
async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const results = new Array<PromiseSettledResult<R>>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++
      try {
        results[index] = { status: 'fulfilled', value: await task(items[index]) }
      } catch (reason) {
        results[index] = { status: 'rejected', reason }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

/** What `write()` streams in chunks instead of collecting whole: async iterables and tables. */
function streamed(value: object): boolean {
  return isAsyncIterable(value) || isTable(value)
}
