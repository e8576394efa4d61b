/**
 * Input sources for `write`: files or stdin, opened with a clear error when they cannot be read,
 * and read chunk by chunk (never whole) as bytes or as UTF-8 text, with a byte count for the
 * progress bar. A file whose name ends in `.gz` is decompressed as it is read.
 */
import type { ReadStream } from 'node:fs'
import { createGunzip } from 'node:zlib'
import { open, type FileHandle } from 'node:fs/promises'
import { firstInvalidUtf8 } from '../../line-protocol/utf8.js'

/** One input, named as the user named it (`-` is stdin). */
export interface InputSource {
  /** `-` for stdin, else the path as given. */
  readonly name: string
  /** Size in bytes for a regular file (compressed size for `.gz`); undefined for stdin and pipes. */
  readonly size: number | undefined
  /** Bytes consumed so far. */
  readonly bytesRead: number
  /** The text, decoded as UTF-8 and split wherever the underlying reads end. */
  text(): AsyncIterable<string>
  /**
   * The bytes (decompressed), not checked, split wherever the underlying reads end. A chunk may be
   * a view of a buffer that the source reads into again: it stays as it is until the chunk after
   * the next one is asked for, so a consumer copies what it keeps of a chunk before then.
   */
  bytes(): AsyncIterable<Uint8Array>
  /** The error for invalid UTF-8 found in {@link bytes} at `offset` (`truncated`: cut off by the end of the input). */
  invalidUtf8(offset: number, truncated: boolean): InputError
  /** Closes the file underneath, whether it was read to its end or not. Idempotent. */
  close(): Promise<void>
}

/** A file that cannot be read; the message names it and the reason. */
export class InputError extends Error {
  override name = 'InputError'
}

/** Large reads: line protocol is passed on by the chunk, and each chunk costs a carried-over partial line. */
const READ_CHUNK = 1024 * 1024

/**
 * Opens a file (or stdin for `-`). Fails early, with a clear message, when the file cannot be read.
 * `gzip`: decompress it; by default a file whose name ends in `.gz` is, stdin is not.
 */
export async function openSource(
  name: string,
  stdin: NodeJS.ReadableStream = process.stdin,
  gzip?: boolean,
): Promise<InputSource> {
  if (name === '-') return new StreamSource(name, undefined, stdin, false, gzip ?? false)
  let file: FileHandle
  let size: number | undefined
  try {
    // Opened here: a missing file or a permission error is reported before anything is sent.
    file = await open(name, 'r')
  } catch (error) {
    throw new InputError(`cannot read ${name}: ${describeFsError(error)}`)
  }
  try {
    const info = await file.stat()
    if (info.isDirectory()) throw new InputError(`cannot read ${name}: it is a directory`)
    size = info.isFile() ? info.size : undefined
  } catch (error) {
    await file.close()
    if (error instanceof InputError) throw error
    throw new InputError(`cannot read ${name}: ${describeFsError(error)}`)
  }
  return new FileSource(name, size, file, gzip ?? name.toLowerCase().endsWith('.gz'))
}

/**
 * A file, or anything opened by path (a named pipe, /dev/stdin). Plain bytes are read into two
 * buffers in turn rather than a fresh one per read. Line protocol passes through as views of a
 * chunk until the writer has copied it, which it has before the next chunk but one is read. A
 * fresh buffer per read would count as "external memory" for V8, which runs a full collection
 * every few such reads, and would need new pages from the kernel every time.
 */
class FileSource implements InputSource {
  readonly #file: FileHandle
  readonly #gunzip: boolean
  #stream: StreamSource | undefined
  #counted = 0
  #closed: Promise<void> | undefined

  constructor(
    readonly name: string,
    readonly size: number | undefined,
    file: FileHandle,
    gunzip: boolean,
  ) {
    this.#file = file
    this.#gunzip = gunzip
  }

  get bytesRead(): number {
    return this.#stream?.bytesRead ?? this.#counted
  }

  async *bytes(): AsyncIterable<Uint8Array> {
    if (this.#gunzip) {
      yield* this.#streamed().bytes()
      return
    }
    const buffers = [new Uint8Array(READ_CHUNK), new Uint8Array(READ_CHUNK)]
    try {
      for (let turn = 0; ; turn ^= 1) {
        const buffer = buffers[turn]
        let read: number
        try {
          const result = await this.#file.read(buffer, 0, buffer.length, null)
          read = result.bytesRead
        } catch (error) {
          throw new InputError(`cannot read ${this.name}: ${describeFsError(error)}`)
        }
        if (read === 0) return
        this.#counted += read
        yield buffer.subarray(0, read)
      }
    } finally {
      await this.close()
    }
  }

  text(): AsyncIterable<string> {
    return this.#streamed().text()
  }

  /** The file as a stream, for text and for gunzip, made on first use. */
  #streamed(): StreamSource {
    this.#stream ??= new StreamSource(
      this.name,
      this.size,
      this.#file.createReadStream({ highWaterMark: READ_CHUNK }),
      true,
      this.#gunzip,
    )
    return this.#stream
  }

  invalidUtf8(offset: number, atEnd = false): InputError {
    return invalidUtf8Error(this.name, this.#gunzip, offset, atEnd)
  }

  close(): Promise<void> {
    this.#closed ??= this.#stream !== undefined ? this.#stream.close() : this.#file.close()
    return this.#closed
  }
}

class StreamSource implements InputSource {
  #counted = 0
  readonly #stream: NodeJS.ReadableStream
  readonly #file: ReadStream | undefined
  readonly #gunzip: boolean
  #closed: Promise<void> | undefined
  /**
   * @param stream the bytes to decode
   * @param ownsFile `stream` reads a file of this source's own: its position is the progress
   *   (compressed bytes for .gz), and {@link close} closes it
   * @param gunzip decompress `stream` while reading it
   */
  constructor(
    readonly name: string,
    readonly size: number | undefined,
    stream: NodeJS.ReadableStream,
    ownsFile: boolean,
    gunzip: boolean,
  ) {
    this.#stream = stream
    this.#file = ownsFile ? (stream as ReadStream) : undefined
    this.#gunzip = gunzip
  }

  get bytesRead(): number {
    return this.#file?.bytesRead ?? this.#counted
  }

  /** Closes the file this source reads; a stream it was given (stdin) is left as it is. */
  close(): Promise<void> {
    const file = this.#file
    if (file === undefined) return Promise.resolve()
    this.#closed ??= file.closed
      ? Promise.resolve()
      : new Promise((resolve) => file.destroy().once('close', () => resolve()))
    return this.#closed
  }

  // Each read closes the source's own file when it ends, however it ends: a read error, a bad
  // gzip stream or a loop that stops early would otherwise leave it open until garbage collection,
  // which Node 26 reports as an error.
  async *bytes(): AsyncIterable<Uint8Array> {
    try {
      yield* this.#bytes()
    } finally {
      await this.close()
    }
  }

  async *text(): AsyncIterable<string> {
    try {
      yield* this.#text()
    } finally {
      await this.close()
    }
  }

  async *#bytes(): AsyncIterable<Uint8Array> {
    const stream = this.#gunzip ? this.#decompressed() : this.#stream
    try {
      for await (const chunk of stream) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
        this.#counted += bytes.length
        yield bytes
      }
    } catch (error) {
      if (error instanceof InputError) throw error
      throw new InputError(`cannot read ${this.name}: ${describeFsError(error)}`)
    }
  }

  async *#text(): AsyncIterable<string> {
    // The gunzip stream is made here, not when the file is opened: it starts inflating as soon as
    // it is piped into, and a corrupt file would emit 'error' before anyone iterates it (while
    // `write` pings the server), an unhandled event that killed the process.
    const stream = this.#gunzip ? this.#decompressed() : this.#stream
    // Fatal: text that is not UTF-8 would otherwise be written as U+FFFD without a word. The
    // default `ignoreBOM: false` drops a leading byte-order mark once, at the start of the stream.
    const decoder = new TextDecoder('utf-8', { fatal: true })
    const tail = new Utf8Tail()
    let text: string
    try {
      for await (const chunk of stream) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
        try {
          text = decoder.decode(bytes, { stream: true })
        } catch (error) {
          if (!(error instanceof TypeError)) throw error
          throw this.invalidUtf8(tail.locate(bytes, this.#counted))
        }
        tail.keep(bytes)
        this.#counted += bytes.length
        if (text.length > 0) yield text
      }
    } catch (error) {
      if (error instanceof InputError) throw error
      throw new InputError(`cannot read ${this.name}: ${describeFsError(error)}`)
    }
    try {
      text = decoder.decode()
    } catch (error) {
      if (!(error instanceof TypeError)) throw error
      throw this.invalidUtf8(tail.locate(new Uint8Array(0), this.#counted), true)
    }
    if (text.length > 0) yield text
  }

  #decompressed(): NodeJS.ReadableStream {
    const gunzip = createGunzip()
    // `pipe` does not pass a read error on; without this the loop in text() would wait forever.
    this.#stream.once('error', (error: Error) => gunzip.destroy(error))
    return this.#stream.pipe(gunzip)
  }

  invalidUtf8(offset: number, atEnd = false): InputError {
    return invalidUtf8Error(this.name, this.#gunzip, offset, atEnd)
  }
}

function invalidUtf8Error(name: string, gunzipped: boolean, offset: number, atEnd: boolean): InputError {
  const where = gunzipped ? ' of the decompressed text' : ''
  return new InputError(
    `cannot read ${name}: invalid UTF-8 at byte offset ${offset}${where}${atEnd ? ' (the input ends inside a character)' : ''}`,
  )
}

/**
 * The last bytes read, kept only to say where invalid UTF-8 starts: the decoder says that the
 * bytes are invalid, not where. A character is at most 4 bytes, so the 3 bytes before a chunk
 * hold the start of any character that the chunk completes.
 */
class Utf8Tail {
  #bytes: Uint8Array = new Uint8Array(0)

  keep(chunk: Uint8Array): void {
    if (chunk.length >= 3) {
      this.#bytes = chunk.subarray(chunk.length - 3)
    } else {
      const joined = new Uint8Array(this.#bytes.length + chunk.length)
      joined.set(this.#bytes)
      joined.set(chunk, this.#bytes.length)
      this.#bytes = joined.subarray(Math.max(0, joined.length - 3))
    }
  }

  /** The offset in the stream of the first invalid sequence, given the chunk that failed and its offset. */
  locate(chunk: Uint8Array, chunkOffset: number): number {
    // Continuation bytes at the front belong to a character that began earlier and decoded fine.
    let skip = 0
    while (skip < this.#bytes.length && (this.#bytes[skip] & 0xc0) === 0x80) skip++
    const window = new Uint8Array(this.#bytes.length - skip + chunk.length)
    window.set(this.#bytes.subarray(skip))
    window.set(chunk, this.#bytes.length - skip)
    return chunkOffset - (this.#bytes.length - skip) + firstInvalidUtf8(window)
  }
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  switch (code) {
    case 'ENOENT':
      return 'no such file'
    case 'EACCES':
    case 'EPERM':
      return 'permission denied'
    case 'EISDIR':
      return 'it is a directory'
    default:
      return error instanceof Error ? error.message : String(error)
  }
}
