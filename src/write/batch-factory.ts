/**
 * Builds a BatchWriter on a write API's transport and settings: what
 * `WriteApiAsync.batchWriter(options)` calls. Kept apart from the writer so the writer itself
 * knows nothing about HTTP paths, org resolution or the record serialisers.
 */
import { requireBucket, resolveOrg } from '../options.js'
import { Point } from '../line-protocol/point.js'
import { serializeAny, serializeSync, serializePoint } from '../records/serialize.js'
import { holdsAsyncIterable } from '../records/iterate.js'
import { BatchWriter, type BatchWriterOptions } from './batch-writer.js'
import type { BatchSerializer } from './batch-serializer.js'
import type { SendBody } from './batch-delivery.js'
import type { WriteApiContext } from './write-api.js'
import { keepMapAlive } from '../map-anchors.js'

/** Records → chunks with the package's serialisers; async iterables are consumed as they produce. */
export const serializeForBatch: BatchSerializer = (records, context, limits) => {
  // One Point per write() is the common streaming loop: skip the walker it does not need.
  if (records instanceof Point) return [serializePoint(records, context)]
  // Sync input takes the sync generator, which costs less per call; an async iterable at the top
  // or inside arrays and Sets takes the async one. Both hand over the records before a bad one.
  return holdsAsyncIterable(records) ? serializeAny(records, context, limits, 'emit') : serializeSync(records, context, limits, 'emit')
}

/** A BatchWriter posting to `/api/v2/write` through the write API's transport, gzip and retry settings. */
export function createBatchWriter(options: BatchWriterOptions, context: WriteApiContext): BatchWriter {
  const bucket = requireBucket(options?.bucket, 'batchWriter')
  const org = resolveOrg(options.org, context.org, 'batchWriter')
  const timeout = options.timeout
  const send: SendBody = async (body, precision, signal) => {
    await context.transport.request({
      method: 'POST',
      path: '/api/v2/write',
      query: { org, bucket, precision },
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body,
      gzip: context.enableGzip,
      signal,
      ...(timeout !== undefined ? { timeout } : {}),
    })
  }
  return new BatchWriter(options, { send, serialize: serializeForBatch, defaultTags: context.defaultTags, retry: context.retry, stop: context.transport.closeSignal })
}

// An idle writer (no timer, no request, nothing buffered) keeps the maps of the writer and of its
// budget, pool and assembler alive, so that code optimised for them survives a full GC between
// two writers' lifetimes (see map-anchors.ts).
keepMapAlive(new BatchWriter({ bucket: 'anchor' }, { send: async () => undefined, serialize: serializeForBatch }))
