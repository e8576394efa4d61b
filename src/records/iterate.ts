/**
 * Walks a record tree (iterables to any depth) without recursion, turning each leaf record into
 * lines. One walker serves both the sync and the async serializer: it stops when chunks are
 * ready, and when it needs the next item of an async iterable, which the caller awaits and
 * hands back. Nothing is read ahead, so async input stays bounded by the chunk limits.
 */
import { RecordError } from '../errors.js'
import type { LineWriter } from '../line-protocol/line-writer.js'
import { Point } from '../line-protocol/point.js'
import type { WritePrecision } from '../line-protocol/precision.js'
import { describeType } from '../line-protocol/values.js'
import { pointFromRecord } from './objects.js'
import { asTable } from './tables/index.js'
import { keepMapAlive } from '../map-anchors.js'
import type { RowCursor, TableContext } from './tables/index.js'
import { decodeUtf8, forEachLine } from './text.js'

/**
 * Receives lines, per precision: text with `add`, or written straight into the precision's
 * writer followed by `commit`. Both return true when a chunk became ready and the walker should pause.
 */
export interface LineSink {
  add(precision: WritePrecision, line: string): boolean
  writerFor(precision: WritePrecision): LineWriter
  commit(precision: WritePrecision): boolean
}

/** What {@link RecordWalker.advance} stopped for. */
export type WalkStep = 'chunk-ready' | 'needs-await' | 'done'

type Frame =
  | { kind: 'array'; items: readonly unknown[]; index: number; inPath: boolean }
  | { kind: 'iterator'; iterator: Iterator<unknown>; index: number; inPath: true }
  | { kind: 'async'; iterator: AsyncIterator<unknown>; index: number; inPath: true; result: IteratorResult<unknown> | undefined }
  | { kind: 'rows'; cursor: RowCursor; index: number; inPath: false }

/** Walks one record tree; see the module comment. */
export class RecordWalker {
  private readonly stack: Frame[]
  private readonly ctx: TableContext
  private readonly sink: LineSink
  private readonly emitText: (line: string) => void
  private textFull = false
  /** `undefined` when there are none, so that points skip the default-tag merge entirely. */
  private readonly defaultTags: Readonly<Record<string, string>> | undefined

  constructor(root: unknown, ctx: TableContext, sink: LineSink) {
    this.ctx = ctx
    this.sink = sink
    this.defaultTags = ctx.defaultTags === undefined || Object.keys(ctx.defaultTags).length === 0 ? undefined : ctx.defaultTags
    // The root sits in a frame of its own that is not part of any record path.
    this.stack = root === undefined || root === null ? [] : [{ kind: 'array', items: [root], index: -1, inPath: false }]
    this.emitText = (line) => {
      if (this.sink.add(this.ctx.precision, line)) this.textFull = true
    }
  }

  /** Serialises until a chunk is ready, an async item is needed, or everything is done. */
  advance(): WalkStep {
    const stack = this.stack
    while (stack.length > 0) {
      const frame = stack[stack.length - 1] as Frame
      switch (frame.kind) {
        case 'array': {
          const items = frame.items
          const depth = stack.length
          while (frame.index + 1 < items.length) {
            frame.index++
            if (this.visit(items[frame.index])) return 'chunk-ready'
            if (stack.length !== depth) break
          }
          if (stack.length === depth) stack.pop()
          break
        }
        case 'iterator': {
          const next = frame.iterator.next()
          if (next.done === true) {
            stack.pop()
            break
          }
          frame.index++
          if (this.visit(next.value)) return 'chunk-ready'
          break
        }
        case 'rows':
          if (writeRows(frame.cursor, this.sink, this.ctx.precision)) return 'chunk-ready'
          stack.pop()
          break
        case 'async': {
          const result = frame.result
          if (result === undefined) return 'needs-await'
          frame.result = undefined
          if (result.done === true) {
            stack.pop()
            break
          }
          frame.index++
          if (this.visit(result.value)) return 'chunk-ready'
          break
        }
      }
    }
    return 'done'
  }

  /** The pending `next()` of the async iterable the walker stopped at ('needs-await'). */
  nextAsync(): Promise<IteratorResult<unknown>> {
    const frame = this.stack[this.stack.length - 1]
    if (frame?.kind !== 'async') throw new Error('RecordWalker.nextAsync called while not waiting for an async item')
    return frame.iterator.next()
  }

  /** Hands back the awaited result of {@link nextAsync}. */
  provide(result: IteratorResult<unknown>): void {
    const frame = this.stack[this.stack.length - 1]
    if (frame?.kind === 'async') frame.result = result
  }

  /** The path of the record being visited, for errors: `[3, 0]`. */
  path(): number[] {
    const path: number[] = []
    for (const frame of this.stack) if (frame.inPath) path.push(frame.index)
    return path
  }

  /**
   * Stops every open iterator (generators run their `finally`). Called when serialisation ends
   * early, by an error or because the consumer stopped. Async iterators are returned too.
   */
  async closeAsync(): Promise<void> {
    while (this.stack.length > 0) {
      const frame = this.stack.pop() as Frame
      // A failing return() must not hide the error that ended the walk.
      try {
        if (frame.kind === 'async') await frame.iterator.return?.()
        else if (frame.kind === 'rows') frame.cursor.close()
        else if (frame.kind !== 'array') frame.iterator.return?.()
      } catch {
        // ignored on purpose, see above
      }
    }
  }

  /** Sync version of {@link closeAsync}; an async iterator's `return()` is started, not awaited. */
  closeSync(): void {
    while (this.stack.length > 0) {
      const frame = this.stack.pop() as Frame
      try {
        if (frame.kind === 'async') void frame.iterator.return?.()?.catch(() => undefined)
        else if (frame.kind === 'rows') frame.cursor.close()
        else if (frame.kind !== 'array') frame.iterator.return?.()
      } catch {
        // a failing return() must not hide the error that ended the walk
      }
    }
  }

  /** Serialises a leaf, or pushes a frame for a container. Returns true when a chunk is ready. */
  private visit(value: unknown): boolean {
    if (value instanceof Point) return this.addPoint(value)
    if (typeof value === 'string') return this.addText(value)
    if (typeof value !== 'object' || value === null) return this.unsupported(value)
    if (Array.isArray(value)) {
      this.stack.push({ kind: 'array', items: value, index: -1, inPath: true })
      return false
    }
    if (value instanceof Uint8Array || value instanceof ArrayBuffer) return this.addText(this.attempt(() => decodeUtf8(value)))
    const table = asTable(value)
    if (table !== undefined) {
      this.stack.push({ kind: 'rows', cursor: table.rows(this.ctx, this.path()), index: -1, inPath: false })
      return false
    }
    // Typed arrays and DataViews are iterable, but their numbers are not records.
    if (ArrayBuffer.isView(value)) return this.unsupported(value)
    if (value instanceof Map) {
      throw this.error('a Map is not a record; pass map.values(), or an object with measurement, tags and fields')
    }
    if (isSyncIterable(value)) {
      this.stack.push({ kind: 'iterator', iterator: value[Symbol.iterator](), index: -1, inPath: true })
      return false
    }
    if (isAsyncIterable(value)) {
      this.stack.push({ kind: 'async', iterator: value[Symbol.asyncIterator](), index: -1, inPath: true, result: undefined })
      return false
    }
    if (value instanceof Date || value instanceof RegExp || value instanceof Promise) {
      return this.unsupported(value)
    }
    const point = this.attempt(() => pointFromRecord(value, this.ctx))
    return this.addPoint(point)
  }

  private addPoint(point: Point): boolean {
    const precision = point.writePrecision ?? this.ctx.precision
    writePointLine(this.sink.writerFor(precision), point, precision, this.defaultTags, this)
    return this.sink.commit(precision)
  }

  private addText(text: string): boolean {
    this.textFull = false
    try {
      forEachLine(text, this.emitText)
    } catch (error) {
      throw this.error((error as Error).message, error)
    }
    return this.textFull
  }

  private unsupported(value: unknown): never {
    const hint = value instanceof Promise ? ' (await it first)' : ''
    throw this.error(`unsupported record type ${describeType(value)}${hint}`)
  }

  private attempt<T>(work: () => T): T {
    try {
      return work()
    } catch (error) {
      if (error instanceof RecordError) throw error
      throw this.error((error as Error).message, error)
    }
  }

  private error(reason: string, cause?: unknown): RecordError {
    return new RecordError(this.path(), reason, cause === undefined ? undefined : { cause })
  }
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
    throw new RecordError(at.path(), (error as Error).message, { cause: error })
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

// Kept alive with its map between write() calls (see map-anchors.ts).
keepMapAlive(new RecordWalker(undefined, { precision: 'ns', defaultTags: {} }, { add: () => false, writerFor: () => undefined as never, commit: () => false }))

function isSyncIterable(value: object): value is Iterable<unknown> {
  return typeof (value as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function'
}

/** True for an object that is async-iterable and not also sync-iterable (the sync side wins). */
export function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function' &&
    !isSyncIterable(value)
  )
}
