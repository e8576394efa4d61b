/**
 * Streams taken from a BatchWriter: a Node object-mode `stream.Writable` for `pipeline()`, and a
 * WHATWG `WritableStream` for `pipeTo()` (Bun, Deno, Workers, browsers). Both feed records to
 * `BatchWriter.add()`, so a record is taken synchronously while there is room, and the stream
 * waits for the writer's drain when there is none: backpressure follows `maxBufferedLines`.
 *
 * A stream finishes only once every line written through it is acknowledged (the writer's
 * `flush()`, or `close()` with `closeWriter`), and errors with the `UndeliveredLinesError` when
 * a line could not be delivered: at the end, or as soon as a wait for room finds one. Aborting
 * or destroying the stream before it finished aborts the writer; an error of the writer's own (a
 * bad record, undelivered lines) ends the stream and leaves the writer open, its lines delivered
 * or reported by its `close()`.
 *
 * The Node stream module is looked up when a Node stream is asked for
 * (`process.getBuiltinModule`), so that this module loads in runtimes without it.
 */
import type { Writable } from 'node:stream'
import { InvalidArgumentError } from '../errors.js'
import { builtinModule } from '../builtin-module.js'

/**
 * What a stream needs of its BatchWriter: `BatchWriter`'s own methods, typed here so that this
 * module does not import batch-writer.ts, which imports it.
 */
export interface StreamedWriter {
  add(records: unknown): boolean
  drained(): Promise<void>
  flush(): Promise<void>
  close(): Promise<void>
  abort(reason?: unknown): void
  readonly stats: { readonly failedLines: number }
}

/** How a stream taken from a BatchWriter ends. */
export interface BatchStreamOptions {
  /**
   * When the stream finishes: `false` (default) flushes the writer, which stays open for more;
   * `true` closes it, as `await writer.close()` would.
   */
  closeWriter?: boolean
}

/** Follows the writer's undelivered-line count, to end a stream at the first loss. */
class LossWatch {
  readonly #writer: StreamedWriter
  #seen: number

  constructor(writer: StreamedWriter) {
    this.#writer = writer
    this.#seen = writer.stats.failedLines
  }

  /** Waits for room; rejects with the writer's report when a line was lost meanwhile. */
  async drained(): Promise<void> {
    await this.#writer.drained()
    const failed = this.#writer.stats.failedLines
    if (failed > this.#seen) {
      this.#seen = failed
      // flush() hands over the report of the lines not reported yet (an UndeliveredLinesError).
      await this.#writer.flush()
    }
  }
}

function finishWriter(writer: StreamedWriter, options: BatchStreamOptions | undefined): Promise<void> {
  return options?.closeWriter === true ? writer.close() : writer.flush()
}

/** A Node object-mode `Writable` writing each record through `writer`; see the module comment. */
export function toNodeWritable(writer: StreamedWriter, options?: BatchStreamOptions): Writable {
  const stream = builtinModule<typeof import('node:stream')>('node:stream')
  if (stream === undefined) {
    throw new InvalidArgumentError(
      'a Node stream needs node:stream (Node 20.16 or later, Bun, Deno); elsewhere take writableStream()',
    )
  }
  const losses = new LossWatch(writer)
  let finished = false
  // An error of the writer's own (a bad record, undelivered lines) ends the stream but leaves the
  // writer as it is: what it holds is still delivered, or reported by its close().
  let ownError: unknown
  const failWith =
    (callback: (error?: Error | null) => void) =>
    (error: unknown): void => {
      ownError = error
      callback(error as Error)
    }
  const afterAdding = (room: boolean, callback: (error?: Error | null) => void): void => {
    if (room) callback()
    else losses.drained().then(() => callback(), failWith(callback))
  }
  return new stream.Writable({
    objectMode: true,
    write: (record: unknown, _encoding, callback) => {
      let room: boolean
      try {
        room = writer.add(record)
      } catch (error) {
        failWith(callback)(error)
        return
      }
      afterAdding(room, callback)
    },
    writev: (entries, callback) => {
      let room = true
      try {
        for (const entry of entries) room = writer.add(entry.chunk)
      } catch (error) {
        failWith(callback)(error)
        return
      }
      afterAdding(room, callback)
    },
    final: (callback) => {
      finishWriter(writer, options).then(() => {
        finished = true
        callback()
      }, failWith(callback))
    },
    destroy: (error, callback) => {
      if (!finished && (error === null || error !== ownError)) writer.abort(error ?? undefined)
      callback(error)
    },
  })
}

/** A WHATWG `WritableStream` writing each record through `writer`; see the module comment. */
export function toWritableStream(writer: StreamedWriter, options?: BatchStreamOptions): WritableStream<unknown> {
  const losses = new LossWatch(writer)
  return new WritableStream<unknown>({
    write: (record) => (writer.add(record) ? undefined : losses.drained()),
    close: () => finishWriter(writer, options),
    abort: (reason) => writer.abort(reason),
  })
}
