/**
 * Walks a record tree (iterables to any depth) without recursion, turning each leaf record into
 * lines. One walker serves both the sync and the async serializer: it stops when chunks are
 * ready, and when it needs the next item of an async iterable, which the caller awaits and
 * hands back. Nothing is read ahead, so async input stays bounded by the chunk limits.
 */
import { RecordError, thrownReason } from '../errors.js'
import type { LineWriter } from '../line-protocol/line-writer.js'
import { Point } from '../line-protocol/point.js'
import { readRecordInto, recordMeasurement } from '../line-protocol/point-from-record.js'
import type { WritePrecision } from '../line-protocol/precision.js'
import { describeType } from '../line-protocol/values.js'
import { asTable } from './tables/index.js'
import { keepMapAlive } from '../map-anchors.js'
import type { RowCursor } from './tables/index.js'
import type { SerializeContext } from './options.js'
import { forEachLine } from '../line-protocol/lines.js'
import { LineBlock, splitLineBytes } from '../line-protocol/line-splitter.js'
import { LONE_SURROGATE } from '../line-protocol/escape.js'
import { InvalidUtf8Error } from '../line-protocol/utf8.js'
import { isAsyncIterable, isSyncIterable } from './nested.js'

/**
 * Receives lines, per precision: text with `add`, or written straight into the precision's
 * writer followed by `commit`. Both return true when a chunk became ready and the walker should pause.
 */
export interface LineSink {
  add(precision: WritePrecision, line: string): boolean
  /**
   * Lines already split and checked, passed on as they are. `viewable`: the block's bytes never
   * change, so chunks may be views of them instead of copies.
   */
  addLines(precision: WritePrecision, block: LineBlock, viewable: boolean): boolean
  writerFor(precision: WritePrecision): LineWriter
  commit(precision: WritePrecision): boolean
}

/** What {@link RecordWalker.advance} stopped for. */
export type WalkStep = 'chunk-ready' | 'needs-await' | 'done'

// What a frame walks. A lone root value sits in a frame of its own that is not part of any record path.
const ROOT = 0
const ARRAY = 1
const ITERATOR = 2
const ASYNC = 3
const ROWS = 4
type FrameKind = typeof ROOT | typeof ARRAY | typeof ITERATOR | typeof ASYNC | typeof ROWS

/**
 * One level of the walk, linked to the level below. A class and a linked list, not object and
 * array literals: V8 may decide to allocate a literal's objects straight in the old generation
 * ("pretenuring"), and a dead old object that still points at the caller's array of records keeps
 * that array, and every record in it, alive through each young-generation collection. Measured
 * on 5000-point pages: after a few million points every collection promoted everything, and
 * serialising took 2.4 s per million points instead of 0.42 (--trace-gc-nvp, promoted=100%).
 */
class Frame {
  index = -1
  /** The awaited next item of an ASYNC frame, handed back by {@link RecordWalker.provide}. */
  result: IteratorResult<unknown> | undefined = undefined

  constructor(
    readonly kind: FrameKind,
    /** The root value, the array, the iterator, the async iterator or the row cursor. */
    readonly source: unknown,
    readonly inPath: boolean,
    readonly below: Frame | undefined,
    /** The array or iterable walked, to catch one that holds itself (null for the root's own frame). */
    readonly container: unknown = source,
  ) {}
}

/** Walks one record tree; see the module comment. */
export class RecordWalker {
  #top: Frame | undefined
  readonly #ctx: SerializeContext
  readonly #sink: LineSink
  readonly #emitText: (line: string) => void
  #textFull = false
  /** `undefined` when there are none, so that points skip the default-tag merge entirely. */
  readonly #defaultTags: Readonly<Record<string, string>> | undefined

  constructor(root: unknown, ctx: SerializeContext, sink: LineSink) {
    this.#ctx = ctx
    this.#sink = sink
    this.#defaultTags =
      ctx.defaultTags === undefined || Object.keys(ctx.defaultTags).length === 0 ? undefined : ctx.defaultTags
    this.#top = root === undefined || root === null ? undefined : new Frame(ROOT, root, false, undefined, null)
    this.#emitText = (line) => {
      if (this.#sink.add(this.#ctx.precision, line)) this.#textFull = true
    }
  }

  #push(kind: FrameKind, source: unknown, inPath: boolean, container: unknown = source): void {
    this.#top = new Frame(kind, source, inPath, this.#top, container)
  }

  /**
   * Refuses a container that is already being walked further up: it holds itself, and the walk
   * would never end. Meeting the same container again after it was finished is fine.
   */
  #refuseCycle(container: object): void {
    for (let frame = this.#top; frame !== undefined; frame = frame.below) {
      if (frame.container === container)
        throw this.#error('the record holds itself (an array or iterable that contains itself), so it never ends')
    }
  }

  #pop(): Frame {
    const frame = this.#top as Frame
    this.#top = frame.below
    return frame
  }

  /** Serialises until a chunk is ready, an async item is needed, or everything is done. */
  advance(): WalkStep {
    for (let frame = this.#top; frame !== undefined; frame = this.#top) {
      switch (frame.kind) {
        case ROOT:
          if (frame.index === 0) {
            this.#pop()
            break
          }
          frame.index = 0
          if (this.#visit(frame.source)) return 'chunk-ready'
          break
        case ARRAY: {
          const items = frame.source as readonly unknown[]
          while (frame.index + 1 < items.length) {
            frame.index++
            if (this.#visit(this.#itemAt(items, frame.index))) return 'chunk-ready'
            if (this.#top !== frame) break
          }
          if (this.#top === frame) this.#pop()
          break
        }
        case ITERATOR: {
          const next = (frame.source as Iterator<unknown>).next()
          if (next.done === true) {
            this.#pop()
            break
          }
          frame.index++
          if (this.#visit(next.value)) return 'chunk-ready'
          break
        }
        case ROWS:
          if (writeRows(frame.source as RowCursor, this.#sink, this.#ctx.precision)) return 'chunk-ready'
          this.#pop()
          break
        case ASYNC: {
          const result = frame.result
          if (result === undefined) return 'needs-await'
          frame.result = undefined
          if (result.done === true) {
            this.#pop()
            break
          }
          frame.index++
          if (this.#visit(result.value)) return 'chunk-ready'
          break
        }
      }
    }
    return 'done'
  }

  /** The pending `next()` of the async iterable the walker stopped at ('needs-await'). */
  nextAsync(): Promise<IteratorResult<unknown>> {
    const frame = this.#top
    if (frame?.kind !== ASYNC) throw new Error('RecordWalker.nextAsync called while not waiting for an async item')
    return (frame.source as AsyncIterator<unknown>).next()
  }

  /** Hands back the awaited result of {@link nextAsync}. */
  provide(result: IteratorResult<unknown>): void {
    const frame = this.#top
    if (frame?.kind === ASYNC) frame.result = result
  }

  /** The path of the record being visited, for errors: `[3, 0]`. */
  path(): number[] {
    const path: number[] = []
    for (let frame = this.#top; frame !== undefined; frame = frame.below) if (frame.inPath) path.push(frame.index)
    return path.reverse()
  }

  /**
   * Stops every open iterator (generators run their `finally`). Called when serialisation ends
   * early, by an error or because the consumer stopped. Async iterators are returned too.
   */
  async closeAsync(): Promise<void> {
    while (this.#top !== undefined) {
      const frame = this.#pop()
      // A failing return() must not hide the error that ended the walk.
      try {
        if (frame.kind === ASYNC) await (frame.source as AsyncIterator<unknown>).return?.()
        else closeFrame(frame)
      } catch {
        // ignored on purpose, see above
      }
    }
  }

  /** Sync version of {@link closeAsync}; an async iterator's `return()` is started, not awaited. */
  closeSync(): void {
    while (this.#top !== undefined) {
      const frame = this.#pop()
      try {
        if (frame.kind === ASYNC) void (frame.source as AsyncIterator<unknown>).return?.()?.catch(() => undefined)
        else closeFrame(frame)
      } catch {
        // a failing return() must not hide the error that ended the walk
      }
    }
  }

  /** `items[index]`; a Proxy's `get` trap that throws is this item's error. */
  #itemAt(items: readonly unknown[], index: number): unknown {
    try {
      return items[index]
    } catch (error) {
      throw this.#error(thrownReason(error), error)
    }
  }

  /**
   * Serialises a leaf, or pushes a frame for a container. Returns true when a chunk is ready.
   * Anything thrown while the value is looked at (a Proxy's trap, a getter) is this record's error.
   */
  #visit(value: unknown): boolean {
    try {
      return this.#visitValue(value)
    } catch (error) {
      if (error instanceof RecordError) throw error
      throw this.#error(thrownReason(error), error)
    }
  }

  #visitValue(value: unknown): boolean {
    if (value instanceof Point) return this.#addPoint(value)
    if (typeof value === 'string') return this.#addText(value)
    if (typeof value !== 'object' || value === null) return this.#unsupported(value)
    if (Array.isArray(value)) {
      this.#refuseCycle(value)
      this.#push(ARRAY, value, true)
      return false
    }
    // A block is handed over for good (see LineSplitter.push); the caller's own bytes are copied.
    if (value instanceof LineBlock) return this.#sink.addLines(this.#ctx.precision, value, true)
    if (value instanceof Uint8Array || value instanceof ArrayBuffer)
      return this.#sink.addLines(
        this.#ctx.precision,
        this.#attempt(() => splitBytes(value)),
        false,
      )
    const table = asTable(value)
    if (table !== undefined) {
      this.#push(ROWS, table.rows(this.#ctx, this.path()), false)
      return false
    }
    // Typed arrays and DataViews are iterable, but their numbers are not records.
    if (ArrayBuffer.isView(value)) return this.#unsupported(value)
    if (value instanceof Map) {
      throw this.#error('a Map is not a record; pass map.values(), or an object with measurement, tags and fields')
    }
    if (isSyncIterable(value)) {
      this.#refuseCycle(value)
      this.#push(ITERATOR, value[Symbol.iterator](), true, value)
      return false
    }
    if (isAsyncIterable(value)) {
      this.#refuseCycle(value)
      this.#push(ASYNC, value[Symbol.asyncIterator](), true, value)
      return false
    }
    if (value instanceof Date || value instanceof RegExp || value instanceof Promise) {
      return this.#unsupported(value)
    }
    const point = this.#attempt(() => this.#pointOf(value))
    return this.#addPoint(point)
  }

  /** An object record as a Point without a precision of its own (the call's applies). */
  #pointOf(record: object): Point {
    const point = new Point(recordMeasurement(record, this.#ctx))
    readRecordInto(point, record, this.#ctx)
    return point
  }

  #addPoint(point: Point): boolean {
    const precision = point.writePrecision ?? this.#ctx.precision
    writePointLine(this.#sink.writerFor(precision), point, precision, this.#defaultTags, this)
    return this.#sink.commit(precision)
  }

  #addText(text: string): boolean {
    // Text of several lines is split as UTF-8 and copied as it is, never decoded again.
    if (text.length > MULTILINE_TEXT && text.includes('\n') && !LONE_SURROGATE.test(text))
      return this.#sink.addLines(this.#ctx.precision, splitLineBytes(textEncoder.encode(text), TEXT_SPLIT), true)
    this.#textFull = false
    try {
      forEachLine(text, this.#emitText)
    } catch (error) {
      throw this.#error(thrownReason(error), error)
    }
    return this.#textFull
  }

  #unsupported(value: unknown): never {
    const hint = value instanceof Promise ? ' (await it first)' : ''
    throw this.#error(`unsupported record type ${describeType(value)}${hint}`)
  }

  #attempt<T>(work: () => T): T {
    try {
      return work()
    } catch (error) {
      if (error instanceof RecordError) throw error
      throw this.#error(thrownReason(error), error)
    }
  }

  #error(reason: string, cause?: unknown): RecordError {
    return new RecordError(this.path(), reason, cause === undefined ? undefined : { cause })
  }
}

const textEncoder = new TextEncoder()
/** Text was not read from a file: a U+FEFF at its start is a character of the line, not a byte-order mark. */
const TEXT_SPLIT = { keepByteOrderMark: true }
/** Shorter text is mostly one line, which {@link forEachLine} takes without splitting. */
const MULTILINE_TEXT = 64

/** UTF-8 bytes as the lines worth sending; throws a `TypeError` for bytes that are not UTF-8. */
function splitBytes(value: Uint8Array | ArrayBuffer): LineBlock {
  try {
    return splitLineBytes(value instanceof Uint8Array ? value : new Uint8Array(value))
  } catch (error) {
    if (!(error instanceof InvalidUtf8Error)) throw error
    throw new TypeError(
      `the bytes are not valid UTF-8 (at byte offset ${error.offset}${error.truncated ? ', where they end inside a character' : ''})`,
      { cause: error },
    )
  }
}

/** Closes a sync frame's source: a row cursor, or an iterator (generators run their `finally`). */
function closeFrame(frame: Frame): void {
  if (frame.kind === ROWS) (frame.source as RowCursor).close()
  else if (frame.kind === ITERATOR) (frame.source as Iterator<unknown>).return?.()
}

/**
 * Writes a Point's line in `precision` (its own precision, else the write's) into `writer`, or
 * throws a `RecordError` at `at.path()` (asked only on failure, so no closure per point) naming
 * the reason, with nothing written: the one rule for Points, shared by the walker and the
 * single-Point fast path of `serializePoint`.
 */
export function writePointLine(
  writer: LineWriter,
  point: Point,
  precision: WritePrecision,
  defaultTags: Readonly<Record<string, string>> | undefined,
  at: { path(): number[] },
): void {
  let written: boolean
  try {
    written = point.writeLine(writer, precision, defaultTags)
  } catch (error) {
    throw new RecordError(at.path(), thrownReason(error), { cause: error })
  }
  if (!written) throw new RecordError(at.path(), 'no fields: a point needs at least one field with a value')
}

/**
 * Writes a table's rows straight into the chunk's bytes until a chunk is ready (true) or the
 * table is done (false). The writer of a precision stays the same object for the whole walk
 * (completing a chunk cuts lines out of it), so it is looked up once.
 */
function writeRows(cursor: RowCursor, sink: LineSink, precision: WritePrecision): boolean {
  const writer = sink.writerFor(precision)
  while (cursor.writeNext(writer)) {
    if (sink.commit(precision)) return true
  }
  return false
}

/** Keeps a walker and its frames alive with their maps between write() calls (see map-anchors.ts). Called once. */
export function keepWalkerMapsAlive(): void {
  keepMapAlive(new Frame(ARRAY, [], true, new Frame(ROOT, undefined, false, undefined)))
  keepMapAlive(
    new RecordWalker(
      undefined,
      { precision: 'ns', defaultTags: {} },
      { add: () => false, addLines: () => false, writerFor: () => undefined as never, commit: () => false },
    ),
  )
}
