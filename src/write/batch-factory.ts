/**
 * Builds a BatchWriter on a write API's transport and settings: what
 * `WriteApiAsync.batchWriter(options)` calls. Kept apart from the writer so the writer itself
 * knows nothing about HTTP paths, org resolution or the record serialisers.
 */
import { requireBucket, resolveOrg } from '../options.js'
import { Point } from '../line-protocol/point.js'
import { serializeAny, serializeSync, serializePoint, containsAsync } from '../records/serialize.js'
import { BatchWriter, type BatchWriterOptions } from './batch-writer.js'
import type { BatchSerializer } from './batch-serializer.js'
import type { SendBody } from './batch-delivery.js'
import type { WriteApiContext } from './write-api.js'
import { keepMapAlive } from '../map-anchors.js'

/** Records → chunks with the package's serialisers; async iterables are consumed as they produce. */
export const serializeForBatch: BatchSerializer = (records, context, limits) => {
  // One Point per write() is the common streaming loop: skip the walker it does not need.
  if (records instanceof Point) return [serializePoint(records, context)]
  // An async iterable nested in a sync container is found by serializeAny as it walks; plain
  // sync input takes the sync generator, which costs less per call.
  return containsAsync(records) || mayHoldAsync(records) ? serializeAny(records, context, limits) : serializeSync(records, context, limits)
}

/** Arrays and Sets may hold async iterables; the sync path would refuse them half-way. */
function mayHoldAsync(records: unknown): boolean {
  if (!Array.isArray(records) && !(records instanceof Set)) return false
  for (const item of records) {
    // Points are most of what a page holds, and cannot hold anything: skip the property lookups.
    if (item instanceof Point) continue
    if (typeof item === 'object' && item !== null && (Symbol.asyncIterator in item || Array.isArray(item) || item instanceof Set)) {
      return containsAsync(item) || mayHoldAsync(item)
    }
  }
  return false
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
  return new BatchWriter(options, { send, serialize: serializeForBatch, defaultTags: context.defaultTags, retry: context.retry })
}

// An idle writer (no timer, no request, nothing buffered) keeps the maps of the writer and of its
// budget, pool and assembler alive, so that code optimised for them survives a full GC between
// two writers' lifetimes (see map-anchors.ts).
keepMapAlive(new BatchWriter({ bucket: 'anchor' }, { send: async () => undefined, serialize: serializeForBatch }))
