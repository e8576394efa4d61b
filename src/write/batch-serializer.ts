/**
 * The seam between the BatchWriter and the record serialisers, so the writer can be driven by
 * any source of line chunks (the client passes `serializeForBatch` from batch-factory.ts).
 */
import type { ChunkLimits, SerializeContext } from '../records/options.js'
import type { LineChunk } from '../records/line-chunk.js'

/** Records → line chunks of at most `limits.maxLines` lines, produced lazily. */
export type BatchSerializer = (
  records: unknown,
  context: SerializeContext,
  limits: ChunkLimits,
) => Iterable<LineChunk> | AsyncIterable<LineChunk>
