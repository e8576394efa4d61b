/**
 * Builds a BatchWriter on a write API's transport and settings: what
 * `WriteApiAsync.batchWriter(options)` calls. Kept apart from the writer so the writer itself
 * knows nothing about HTTP paths, org resolution or the record serialisers.
 */
import { InvalidArgumentError } from '../errors.js'
import { orgQueryValue, requireBucket } from '../http/destination.js'
import { apiWriteOptionsOf, checkApiWriteOptions, writeEndpoint } from './write-endpoint.js'
import type { WritePrecision } from '../line-protocol/precision.js'
import { serializeAny, serializeSync, serializePoint } from '../records/serialize.js'
import { holdsAsyncIterable, isPoint } from '../records/nested.js'
import { BatchWriter } from './batch-writer.js'
import type { BatchWriterOptions } from './batch-options.js'
import type { BatchSerializer, LoneRecordWriter } from './batch-serializer.js'
import { isLoneRecord, lonePrecision, writeLoneRecord } from '../records/lone-record.js'
import type { SendBody } from './batch-delivery.js'
import type { WriteApiContext } from './write-options.js'

/** Records → chunks with the package's serialisers; async iterables are consumed as they produce. */
export const serializeForBatch: BatchSerializer = (records, context, limits) => {
  // One Point per write() is the common streaming loop: skip the walker it does not need.
  if (isPoint(records)) return [serializePoint(records, context)]
  // Sync input takes the sync generator, which costs less per call; an async iterable at the top
  // or inside arrays and Sets takes the async one. Both hand over the records before a bad one.
  return holdsAsyncIterable(records)
    ? serializeAny(records, context, limits, 'emit')
    : serializeSync(records, context, limits, 'emit')
}

/** Single Points and object records, written without the serialiser's walk. */
export const loneRecordWriter: LoneRecordWriter = {
  accepts: isLoneRecord,
  precision: lonePrecision,
  write: writeLoneRecord,
}

/**
 * A BatchWriter posting to the client's write endpoint (`/api/v2/write`, 1.x's `/write` or 3.x's
 * `/api/v3/write_lp`) through the write API's transport, gzip and retry settings.
 */
export function createBatchWriter(options: BatchWriterOptions, context: WriteApiContext): BatchWriter<unknown> {
  const bucket = requireBucket(options?.bucket, 'batchWriter')
  const known = context.api.known
  // Org is checked now where the API is known; for 'auto', by the first batch, once the server has said which API.
  const org = known === 'v2' ? orgQueryValue(options.org, context.org, 'batchWriter') : undefined
  const apiOptions = apiWriteOptionsOf(options)
  checkApiWriteOptions(known, apiOptions, 'batchWriter')
  const autoPrecision = options.writePrecision === 'auto'
  if (autoPrecision && known !== undefined && known !== 'v3') {
    throw new InvalidArgumentError(
      `batchWriter: "writePrecision" 'auto' is InfluxDB 3's (apiVersion 'v3'); this client writes with apiVersion '${known}'`,
    )
  }
  const timeout = options.timeout
  const send: SendBody = async (body, precision, signal) => {
    const api = await context.api.requestApi(signal)
    checkApiWriteOptions(api.version, apiOptions, 'batchWriter')
    const endpoint = writeEndpoint(
      api.version,
      {
        bucket,
        org: api.version === 'v2' ? (org ?? orgQueryValue(options.org, context.org, 'batchWriter')) : undefined,
        // With 'auto', Dates and RFC 3339 times are batched in ns and the server reads each timestamp's unit from its size.
        precision: autoPrecision && precision === 'ns' ? 'auto' : precision,
      },
      apiOptions,
    )
    await context.transport.request({
      method: 'POST',
      path: endpoint.path,
      query: endpoint.query,
      api,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body,
      gzip: context.enableGzip,
      signal,
      ...(timeout !== undefined ? { timeout } : {}),
    })
  }
  const writerOptions = autoPrecision
    ? { ...options, writePrecision: 'ns' as const }
    : (options as BatchWriterOptions & { writePrecision?: WritePrecision })
  return BatchWriter.create<unknown>(writerOptions, {
    send,
    serialize: serializeForBatch,
    lone: loneRecordWriter,
    defaultTags: context.defaultTags,
    retry: context.retry,
    stop: context.transport.closeSignal,
  })
}
