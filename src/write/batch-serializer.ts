/**
 * The seam between the BatchWriter and the record serialisers, so the writer can be driven by
 * any source of line chunks (the client passes `serializeForBatch` from batch-factory.ts).
 */
import type { ChunkLimits, SerializeContext } from '../records/options.js'
import type { LineChunk } from '../records/line-chunk.js'
import type { LineWriter } from '../line-protocol/line-writer.js'
import type { WritePrecision } from '../line-protocol/precision.js'
import type { RecordOptions } from '../line-protocol/point-from-record.js'

/** Records → line chunks of at most `limits.maxLines` lines, produced lazily. */
export type BatchSerializer = (
  records: unknown,
  context: SerializeContext,
  limits: ChunkLimits,
) => Iterable<LineChunk> | AsyncIterable<LineChunk>

/**
 * Writes one record at a time straight into a line writer: the fast path of `write(record)` and
 * `add(record)`, which skips chunking. Optional: without it every record takes the serialiser.
 */
export interface LoneRecordWriter {
  /** True for a record that {@link LoneRecordWriter.write} takes (one Point or object record). */
  accepts(record: unknown): record is object
  /** The precision `record`'s line is written in. */
  precision(record: object, writePrecision: WritePrecision): WritePrecision
  /** Writes the line or throws a `RecordError`, writing nothing. `defaultTags` is undefined when there are none. */
  write(
    writer: LineWriter,
    record: object,
    precision: WritePrecision,
    options: RecordOptions,
    defaultTags: Readonly<Record<string, string>> | undefined,
  ): void
}
