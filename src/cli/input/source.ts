/**
 * Input sources for `write`: files or stdin, read as UTF-8 text chunk by chunk (never whole),
 * with a byte count for the progress bar. A file whose name ends in `.gz` is decompressed as it
 * is read.
 */
import { createReadStream, type ReadStream } from 'node:fs'
import { createGunzip } from 'node:zlib'
import { stat } from 'node:fs/promises'

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
}

/** A file that cannot be read; the message names it and the reason. */
export class InputError extends Error {
  override name = 'InputError'
}

const READ_CHUNK = 256 * 1024

/**
 * Opens a file (or stdin for `-`). Fails early, with a clear message, when the file cannot be read.
 * `gzip`: decompress it; by default a file whose name ends in `.gz` is, stdin is not.
 */
export async function openSource(
  name: string,
  stdin: NodeJS.ReadableStream = process.stdin,
  gzip?: boolean,
): Promise<InputSource> {
  if (name === '-') return new StreamSource(name, undefined, stdin, undefined, gzip ?? false)
  let size: number | undefined
  try {
    const info = await stat(name)
    if (info.isDirectory()) throw new InputError(`cannot read ${name}: it is a directory`)
    size = info.isFile() ? info.size : undefined
  } catch (error) {
    if (error instanceof InputError) throw error
    throw new InputError(`cannot read ${name}: ${describeFsError(error)}`)
  }
  const file = createReadStream(name, { highWaterMark: READ_CHUNK })
  // Opening is asynchronous: surface a permission error here, not half-way through the run.
  await new Promise<void>((resolve, reject) => {
    file.once('open', () => resolve())
    file.once('error', (error) => reject(new InputError(`cannot read ${name}: ${describeFsError(error)}`)))
  })
  return new StreamSource(name, size, file, file, gzip ?? name.toLowerCase().endsWith('.gz'))
}

class StreamSource implements InputSource {
  private counted = 0
  /**
   * @param stream the bytes to decode
   * @param file the file underneath, whose position is the progress (compressed bytes for .gz)
   * @param gunzip decompress `stream` while reading it
   */
  constructor(
    readonly name: string,
    readonly size: number | undefined,
    private readonly stream: NodeJS.ReadableStream,
    private readonly file?: ReadStream,
    private readonly gunzip = false,
  ) {}

  get bytesRead(): number {
    return this.file?.bytesRead ?? this.counted
  }

  async *text(): AsyncIterable<string> {
    // The gunzip stream is made here, not when the file is opened: it starts inflating as soon as
    // it is piped into, and a corrupt file would emit 'error' before anyone iterates it (while
    // `write` pings the server), an unhandled event that killed the process.
    const stream = this.gunzip ? this.decompressed() : this.stream
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
          throw this.invalidUtf8(tail.locate(bytes, this.counted))
        }
        tail.keep(bytes)
        this.counted += bytes.length
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
      throw this.invalidUtf8(tail.locate(new Uint8Array(0), this.counted), true)
    }
    if (text.length > 0) yield text
  }

  private decompressed(): NodeJS.ReadableStream {
    const gunzip = createGunzip()
    // `pipe` does not pass a read error on; without this the loop in text() would wait forever.
    this.stream.once('error', (error: Error) => gunzip.destroy(error))
    return this.stream.pipe(gunzip)
  }

  private invalidUtf8(offset: number, atEnd = false): InputError {
    const where = this.gunzip ? ' of the decompressed text' : ''
    return new InputError(
      `cannot read ${this.name}: invalid UTF-8 at byte offset ${offset}${where}${atEnd ? ' (the input ends inside a character)' : ''}`,
    )
  }
}

/**
 * The last bytes read, kept only to say where invalid UTF-8 starts: the decoder says that the
 * bytes are invalid, not where. A character is at most 4 bytes, so the 3 bytes before a chunk
 * hold the start of any character that the chunk completes.
 */
class Utf8Tail {
  private bytes: Uint8Array = new Uint8Array(0)

  keep(chunk: Uint8Array): void {
    if (chunk.length >= 3) {
      this.bytes = chunk.subarray(chunk.length - 3)
    } else {
      const joined = new Uint8Array(this.bytes.length + chunk.length)
      joined.set(this.bytes)
      joined.set(chunk, this.bytes.length)
      this.bytes = joined.subarray(Math.max(0, joined.length - 3))
    }
  }

  /** The offset in the stream of the first invalid sequence, given the chunk that failed and its offset. */
  locate(chunk: Uint8Array, chunkOffset: number): number {
    // Continuation bytes at the front belong to a character that began earlier and decoded fine.
    let skip = 0
    while (skip < this.bytes.length && (this.bytes[skip] & 0xc0) === 0x80) skip++
    const window = new Uint8Array(this.bytes.length - skip + chunk.length)
    window.set(this.bytes.subarray(skip))
    window.set(chunk, this.bytes.length - skip)
    return chunkOffset - (this.bytes.length - skip) + firstInvalidUtf8(window)
  }
}

/**
 * Index of the first byte of the first sequence that is not UTF-8 (an incomplete sequence at the
 * end counts as invalid), or `bytes.length` when there is none.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0
  while (i < bytes.length) {
    const lead = bytes[i]
    if (lead < 0x80) {
      i++
      continue
    }
    let length: number
    if (lead >= 0xc2 && lead <= 0xdf) length = 2
    else if (lead >= 0xe0 && lead <= 0xef) length = 3
    else if (lead >= 0xf0 && lead <= 0xf4) length = 4
    else return i
    // The second byte's range excludes overlong forms, surrogates and code points above U+10FFFF.
    const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80
    const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf
    for (let k = 1; k < length; k++) {
      const byte = bytes[i + k]
      if (byte === undefined) return i
      if (k === 1 ? byte < low || byte > high : (byte & 0xc0) !== 0x80) return i
    }
    i += length
  }
  return bytes.length
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

/** One line of text and its 1-based line number in its source. */
export interface TextLine {
  text: string
  line: number
}

/** A line longer than this is refused instead of being buffered without bound. */
export const MAX_LINE_CHARS = 64 * 1024 * 1024

/**
 * Splits text chunks into lines (LF or CRLF), yielding them in batches (one per chunk) so that a
 * large file does not cost one promise per line. Only a partial last line is carried over.
 */
export async function* splitLines(chunks: AsyncIterable<string>): AsyncGenerator<TextLine[]> {
  let carry = ''
  let lineNumber = 0
  for await (const chunk of chunks) {
    const batch: TextLine[] = []
    let start = 0
    let text = carry + chunk
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      const end = nl > start && text.charCodeAt(nl - 1) === 0x0d ? nl - 1 : nl
      batch.push({ text: text.slice(start, end), line: ++lineNumber })
      start = nl + 1
    }
    carry = text.slice(start)
    // eslint-disable-next-line no-useless-assignment -- frees the chunk's text while the generator waits at the yield below
    text = ''
    if (carry.length > MAX_LINE_CHARS)
      throw new InputError(`line ${lineNumber + 1} is longer than ${MAX_LINE_CHARS} characters`)
    if (batch.length > 0) yield batch
  }
  if (carry.length > 0) {
    const end = carry.endsWith('\r') ? carry.length - 1 : carry.length
    yield [{ text: carry.slice(0, end), line: lineNumber + 1 }]
  }
}

const LF = 0x0a
const TAB = 0x09
const SPACE = 0x20
const QUOTE = 0x22
const HASH = 0x23
const COMMA = 0x2c
const EQUALS = 0x3d
const BACKSLASH = 0x5c

/** Where the line-protocol scanner is within a line. */
const enum Part {
  /** Spaces and tabs before the line: the reader strips them, so they do not start the field section. */
  Indent,
  Comment,
  /** Measurement and tags. */
  Key,
  /** Fields and timestamp: the only part where a `"` opens a string. */
  Fields,
}

/** The scanner's state within the line not yet ended, carried from one chunk to the next. */
interface LineScan {
  part: Part
  quoted: boolean
  /** The previous character was a backslash: this one is plain. */
  escaped: boolean
  equals: number
  commas: number
  /** Line feeds inside the line so far, for the line numbers after it. */
  feeds: number
  /** Where the next `"` and `\\` of the current text are (its length when none), once looked up. */
  nextQuote: number
  nextBackslash: number
}

function resetScan(scan: LineScan): void {
  scan.part = Part.Indent
  scan.quoted = scan.escaped = false
  scan.equals = scan.commas = scan.feeds = 0
}

/**
 * Scans `text` from `from`, where `scan` describes the line so far. Returns the index of the line
 * feed that ends the line, or -1 when the text ends first (with `scan` then describing the line).
 * The state is in locals while scanning: this loop sees every character of a line with quotes.
 */
function findLineEnd(text: string, from: number, scan: LineScan): number {
  let { part, quoted, escaped, equals, commas, feeds } = scan
  let end = -1
  characters: for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (escaped) {
      escaped = false
      if (c === LF) feeds++
      continue
    }
    if (c === LF) {
      if (!quoted) {
        end = i
        break
      }
      feeds++
      continue
    }
    switch (part) {
      case Part.Indent:
        if (c === SPACE || c === TAB) break
        part = c === HASH ? Part.Comment : Part.Key
        if (c === BACKSLASH) escaped = true
        break
      case Part.Comment:
        break
      case Part.Key:
        if (c === BACKSLASH) escaped = true
        else if (c === SPACE) part = Part.Fields
        break
      case Part.Fields:
        if (c === BACKSLASH) escaped = true
        else if (c === QUOTE) {
          if (equals > commas) quoted = !quoted
          if (!quoted) {
            // Most lines have one string: when nothing after it can open another or escape the
            // line feed, the rest of the line need not be looked at.
            const nl = text.indexOf('\n', i + 1)
            if (nl !== -1 && quietUntil(text, scan, i + 1, nl)) {
              end = nl
              break characters
            }
          }
        } else if (!quoted) {
          if (c === EQUALS) equals++
          else if (c === COMMA) commas++
        }
        break
    }
  }
  scan.part = part
  scan.quoted = quoted
  scan.escaped = escaped
  scan.equals = equals
  scan.commas = commas
  scan.feeds = feeds
  return end
}

/**
 * Like {@link splitLines}, but a line feed inside a double-quoted string field value belongs to
 * the value, as the server's scanner has it (and the library's `forEachLine` of line-protocol/lines.ts,
 * which needs a whole text and so cannot be used on a stream): a backslash makes the next
 * character plain, and a `"` opens or closes a string only in the field section, after more
 * `=` than `,`. One difference: a `#` comment ends at the next line feed whatever quotes it
 * holds, so a stray quote in a comment cannot swallow the lines after it. Line numbers are those
 * of the first physical line of each line.
 */
export async function* splitLineProtocol(chunks: AsyncIterable<string>): AsyncGenerator<TextLine[]> {
  let carry = ''
  let lineNumber = 0
  const scan: LineScan = {
    part: Part.Indent,
    quoted: false,
    escaped: false,
    equals: 0,
    commas: 0,
    feeds: 0,
    nextQuote: -1,
    nextBackslash: -1,
  }
  for await (const chunk of chunks) {
    const batch: TextLine[] = []
    let text = carry + chunk
    let start = 0
    // The carry was scanned with the chunk before: `scan` is the state at its end.
    let i = carry.length
    scan.nextQuote = scan.nextBackslash = -1
    while (i < text.length) {
      let end = -1
      const nl = scan.quoted || scan.escaped ? -1 : text.indexOf('\n', i)
      // Nothing before this line feed can open a string or escape it: no need to scan.
      if (nl !== -1 && quietUntil(text, scan, i, nl)) end = nl
      if (end === -1) end = findLineEnd(text, i, scan)
      if (end === -1) break
      const last = end > start && text.charCodeAt(end - 1) === 0x0d ? end - 1 : end
      batch.push({ text: text.slice(start, last), line: lineNumber + 1 })
      lineNumber += 1 + scan.feeds
      resetScan(scan)
      start = i = end + 1
    }
    carry = text.slice(start)
    // eslint-disable-next-line no-useless-assignment -- frees the chunk's text while the generator waits at the yield below
    text = ''
    if (carry.length > MAX_LINE_CHARS)
      throw new InputError(`line ${lineNumber + 1} is longer than ${MAX_LINE_CHARS} characters`)
    if (batch.length > 0) yield batch
  }
  // An escaped or quoted line feed at the very end ends the input, not the value.
  const last = carry.endsWith('\n')
    ? carry.slice(0, carry.endsWith('\r\n') ? -2 : -1)
    : carry.endsWith('\r')
      ? carry.slice(0, -1)
      : carry
  if (last.length > 0) yield [{ text: last, line: lineNumber + 1 }]
}

/**
 * Whether no `"` or `\\` lies between `from` and the line feed at `nl`. The positions found are
 * kept in `scan`, so that each search covers new text only and a chunk costs O(its length).
 */
function quietUntil(text: string, scan: LineScan, from: number, nl: number): boolean {
  if (scan.nextQuote < from) scan.nextQuote = positionOf(text, '"', from)
  if (scan.nextBackslash < from) scan.nextBackslash = positionOf(text, '\\', from)
  return scan.nextQuote > nl && scan.nextBackslash > nl
}

/** `indexOf`, with "not found" as the end of the text so that it compares after every position. */
function positionOf(text: string, search: string, from: number): number {
  const at = text.indexOf(search, from)
  return at === -1 ? text.length : at
}
