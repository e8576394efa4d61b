/**
 * Records → line-protocol chunks (design.md §6.3).
 *
 * Record kinds: line-protocol text (one or many lines), UTF-8 bytes (`Uint8Array`, `Buffer`,
 * `ArrayBuffer`), `Point`, plain objects and class instances (`objects.ts`), tables
 * (`tables/`), and arrays, Sets, generators and any other iterable to any depth; async
 * iterables anywhere in the tree with {@link serializeAny}. A `Map` is refused (its entries are
 * not records; pass `map.values()`). `null`/`undefined` as the whole input means nothing to
 * write; inside an iterable, and any other value (a number, a Date, …), it is a `RecordError`.
 *
 * A Point keeps its own precision; everything else is written in the call's precision.
 * Chunks of one precision keep record order. A chunk is emitted as soon as it reaches
 * `maxLines` or would pass `maxBytes` (a single longer line gets a chunk of its own), and the
 * remaining partial chunks are emitted at the end in first-seen precision order.
 */
import { InvalidArgumentError, RecordError } from '../errors.js'
import { keepPointMapsAlive, type Point } from '../line-protocol/point.js'
import type { WritePrecision } from '../line-protocol/precision.js'
import type { ChunkLimits, SerializeContext } from './options.js'
import { LineWriter } from '../line-protocol/line-writer.js'
import type { LineBlock } from '../line-protocol/line-splitter.js'
import { keepWalkerMapsAlive, RecordWalker, writePointLine, type LineSink, type WalkStep } from './record-walker.js'
import { keepTableMapsAlive } from './tables/index.js'
import { LineChunk } from './line-chunk.js'
import { keepMapAlive } from '../map-anchors.js'

export { LineChunk } from './line-chunk.js'

/** Writes lines per precision into byte buffers and completes chunks at the limits. */
class ChunkAccumulator implements LineSink {
  readonly #open = new Map<WritePrecision, LineWriter>()
  readonly #ready: LineChunk[] = []
  #lastPrecision: WritePrecision | undefined
  #lastWriter: LineWriter | undefined
  readonly #maxLines: number
  readonly #maxBytes: number

  constructor(limits: ChunkLimits) {
    if (!(limits.maxLines >= 1) || !(limits.maxBytes >= 1)) {
      throw new InvalidArgumentError(
        `chunk limits must be at least 1 (got maxLines ${limits.maxLines}, maxBytes ${limits.maxBytes})`,
      )
    }
    this.#maxLines = limits.maxLines
    this.#maxBytes = limits.maxBytes
  }

  writerFor(precision: WritePrecision): LineWriter {
    if (precision === this.#lastPrecision) return this.#lastWriter as LineWriter
    let writer = this.#open.get(precision)
    if (writer === undefined) {
      writer = takeIdleWriter()
      this.#open.set(precision, writer)
    }
    this.#lastPrecision = precision
    this.#lastWriter = writer
    return writer
  }

  commit(precision: WritePrecision): boolean {
    const writer = this.writerFor(precision)
    const lines = writer.lineCount
    // The line just written would pass maxBytes: the lines before it are a chunk, it starts the next.
    if (lines > 1 && writer.bodyLength > this.#maxBytes) this.#complete(precision, writer, lines - 1)
    if (writer.lineCount >= this.#maxLines || writer.bodyLength >= this.#maxBytes)
      this.#complete(precision, writer, writer.lineCount)
    return this.#ready.length > 0
  }

  add(precision: WritePrecision, line: string): boolean {
    this.writerFor(precision).line(line)
    return this.commit(precision)
  }

  /**
   * Adds the block's lines in runs, each as long as the open chunk takes (the limits of
   * {@link commit}). With `viewable` (bytes that nobody changes), a run that fills a chunk of its
   * own becomes that chunk as a view of the block's bytes; other runs are copied.
   */
  addLines(precision: WritePrecision, block: LineBlock, viewable: boolean): boolean {
    const writer = this.writerFor(precision)
    const ends = block.ends
    const count = block.lineCount
    let from = 0
    while (from < count) {
      let lines = writer.lineCount
      let bytes = writer.bodyLength
      let to = from
      let full = false
      while (to < count) {
        const size = ends[to] - block.lineStart(to)
        const grown = lines > 0 ? bytes + 1 + size : size
        // A line that would pass maxBytes starts the next chunk (a single longer one gets its own).
        if (lines > 0 && grown > this.#maxBytes) {
          full = true
          break
        }
        bytes = grown
        lines++
        to++
        if (lines >= this.#maxLines || bytes >= this.#maxBytes) {
          full = true
          break
        }
      }
      if (full && viewable && writer.lineCount === 0) this.#ready.push(chunkOfBlock(precision, block, from, to))
      else {
        writer.appendLines(block, from, to)
        if (full) this.#complete(precision, writer, writer.lineCount)
      }
      from = to
    }
    return this.#ready.length > 0
  }

  #complete(precision: WritePrecision, writer: LineWriter, lines: number): void {
    const { body, ends } = writer.cut(lines)
    this.#ready.push(new LineChunk(precision, body, ends))
  }

  /** The completed chunks, in completion order; clears them. */
  takeReady(): LineChunk[] {
    return this.#ready.splice(0, this.#ready.length)
  }

  /** The completed chunks, then the partial ones: everything serialised so far; clears them. */
  takeAll(): LineChunk[] {
    const ready = this.takeReady()
    return ready.length === 0 ? this.takeRest() : [...ready, ...this.takeRest()]
  }

  /** The partial chunks, in first-seen precision order; clears them. */
  takeRest(): LineChunk[] {
    const rest: LineChunk[] = []
    for (const [precision, writer] of this.#open) {
      if (writer.lineCount > 0) {
        const { body, ends } = writer.cut(writer.lineCount)
        rest.push(new LineChunk(precision, body, ends))
      }
    }
    this.release()
    return rest
  }

  /** Hands the writers back for the next serialisation (chunks own copies of their bytes). */
  release(): void {
    for (const writer of this.#open.values()) giveBackWriter(writer)
    this.#open.clear()
    this.#lastPrecision = undefined
    this.#lastWriter = undefined
  }
}

/** Lines `[from, to)` of `block` as a chunk that shares the block's bytes. */
function chunkOfBlock(precision: WritePrecision, block: LineBlock, from: number, to: number): LineChunk {
  const start = block.lineStart(from)
  const ends = block.ends.slice(from, to)
  for (let i = 0; i < ends.length; i++) ends[i] -= start
  return new LineChunk(precision, block.bytes.subarray(start, block.ends[to - 1]), ends, false)
}

let serializerMapsKept = false

/**
 * Keeps one instance of each class of the serialisers' hot paths (Point, walker, chunks, tables)
 * alive with its map between write() calls (see map-anchors.ts). Done on first use rather than at
 * import, so that loading the package does no work; the first serialisation, and the first
 * BatchWriter, call it.
 */
export function keepSerializerMapsAlive(): void {
  if (serializerMapsKept) return
  serializerMapsKept = true
  keepMapAlive(new ChunkAccumulator({ maxLines: 1, maxBytes: 1 }))
  keepMapAlive(LineChunk.fromLines('ns', ['m f=1']))
  keepPointMapsAlive()
  keepWalkerMapsAlive()
  keepTableMapsAlive()
}

// Writers of finished serialisations, kept for the next ones. With a fresh 256 KB buffer per
// write() call, pages of 5000 Points took 3.3-5 us per point in some processes and 0.6-1.0 in
// others (measured); large short-lived buffers are external memory, which V8 collects for.
const idleWriters: LineWriter[] = []
const MAX_IDLE_WRITERS = 8
/** A writer that grew past this (a huge one-shot body) is let go rather than kept. */
const MAX_KEPT_WRITER_BYTES = 4 << 20

function takeIdleWriter(): LineWriter {
  const writer = idleWriters.pop()
  if (writer === undefined) return new LineWriter(64 * 1024)
  writer.clear()
  return writer
}

function giveBackWriter(writer: LineWriter): void {
  if (idleWriters.length < MAX_IDLE_WRITERS && writer.bytes.length <= MAX_KEPT_WRITER_BYTES) idleWriters.push(writer)
}

/**
 * What happens to the lines serialised before a bad record (or a failing source) that are still
 * in chunks not handed out: `'drop'` them (a one-shot write sends nothing of a bad input) or
 * `'emit'` them before the error is thrown (a batch writer keeps every record before the bad one).
 */
export type BeforeError = 'drop' | 'emit'

/**
 * Serialises sync records into chunks, lazily. Throws `RecordError` naming the record's path,
 * also for an async iterable met inside a sync one (see {@link serializeAny}). `beforeError` is
 * `'drop'` when not given.
 *
 * The generator gets the walker, never the records: the walker lets go of each container once
 * it is walked, while V8 keeps a generator's arguments, and the registers it passed them in, for
 * as long as the generator lives. A caller still waiting (for room, or for a disk sync) after the
 * last chunk would otherwise keep every record alive through the wait, and V8 grows its young
 * generation for records that survive its collections.
 */
export function serializeSync(
  record: unknown,
  ctx: SerializeContext,
  limits: ChunkLimits,
  beforeError?: BeforeError,
): Generator<LineChunk> {
  if (!serializerMapsKept) keepSerializerMapsAlive()
  const chunks = new ChunkAccumulator(limits)
  return walkSync(new RecordWalker(record, ctx, chunks), chunks, beforeError)
}

function* walkSync(
  walker: RecordWalker,
  chunks: ChunkAccumulator,
  beforeError: BeforeError | undefined,
): Generator<LineChunk> {
  try {
    for (;;) {
      let step: WalkStep
      try {
        step = walker.advance()
        if (step === 'needs-await') throw asyncInSyncError(walker)
      } catch (error) {
        if (beforeError === 'emit') yield* chunks.takeAll()
        throw error
      }
      if (step === 'chunk-ready') yield* chunks.takeReady()
      else break
    }
    yield* chunks.takeAll()
  } finally {
    walker.closeSync()
    chunks.release()
  }
}

/**
 * The refusal of an async iterable on the sync path. Callers send input holding one in an array
 * or Set to {@link serializeAny}; one that a generator yields is only found here, after the
 * generator was partly consumed, so the walk cannot start over on the async path.
 */
function asyncInSyncError(walker: RecordWalker): RecordError {
  // The async iterable's own frame is on top and not started (index -1): its position is below.
  const path = walker.path().slice(0, -1)
  return new RecordError(
    path,
    'an async iterable yielded by a sync iterable (a generator, …) cannot be written: yield it from an async generator, or pass it in an array',
  )
}

/** A lone record's position: the whole input. */
const LONE_RECORD = { path: (): number[] => [] }

/** Where a lone Point is written before it is copied out into its chunk. */
const loneWriter = new LineWriter(1024)

/**
 * One Point as one chunk: what `serializeSync(point, …)` yields, without the walker and
 * accumulator that a single point does not need (`await writer.write(point)` in a loop).
 */
export function serializePoint(point: Point, ctx: SerializeContext): LineChunk {
  if (!serializerMapsKept) keepSerializerMapsAlive()
  const precision = point.writePrecision ?? ctx.precision
  const defaultTags =
    ctx.defaultTags === undefined || Object.keys(ctx.defaultTags).length === 0 ? undefined : ctx.defaultTags
  loneWriter.clear()
  writePointLine(loneWriter, point, precision, defaultTags, LONE_RECORD)
  const { body, ends } = loneWriter.cut(1)
  return new LineChunk(precision, body, ends)
}

/**
 * Serialises any records, including async iterables anywhere in the tree, into chunks, lazily.
 * `beforeError` as {@link serializeSync}, and for the same reason the generator gets the walker.
 */
export function serializeAny(
  record: unknown,
  ctx: SerializeContext,
  limits: ChunkLimits,
  beforeError?: BeforeError,
): AsyncGenerator<LineChunk> {
  if (!serializerMapsKept) keepSerializerMapsAlive()
  const chunks = new ChunkAccumulator(limits)
  return walkAsync(new RecordWalker(record, ctx, chunks), chunks, beforeError)
}

async function* walkAsync(
  walker: RecordWalker,
  chunks: ChunkAccumulator,
  beforeError: BeforeError | undefined,
): AsyncGenerator<LineChunk> {
  try {
    for (;;) {
      let step: WalkStep
      try {
        step = walker.advance()
        if (step === 'needs-await') walker.provide(await walker.nextAsync())
      } catch (error) {
        if (beforeError === 'emit') yield* chunks.takeAll()
        throw error
      }
      if (step === 'chunk-ready') yield* chunks.takeReady()
      else if (step === 'done') break
    }
    yield* chunks.takeAll()
  } finally {
    chunks.release()
    await walker.closeAsync()
  }
}
