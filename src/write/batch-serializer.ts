/**
 * The seam between the BatchWriter and the record serialisers, so the writer can be driven by
 * any source of line chunks (the client passes `serializeForBatch` from batch-factory.ts).
 */
import type { WritePrecision } from '../line-protocol/precision.js'
import type { RecordOptions, TableOptions } from './write-options.js'
import type { LineChunk } from '../records/line-chunk.js'

/** What a serialiser needs to know about one `write()` call (records/serialize.ts `SerializeContext`). */
export interface BatchSerializeContext extends RecordOptions, TableOptions {
  precision: WritePrecision
  defaultTags: Readonly<Record<string, string>>
}

/** Records → line chunks of at most `limits.maxLines` lines, produced lazily. */
export type BatchSerializer = (
  records: unknown,
  context: BatchSerializeContext,
  limits: { maxLines: number; maxBytes: number },
) => Iterable<LineChunk> | AsyncIterable<LineChunk>
