/**
 * Line-protocol bytes split into the lines worth sending, chunk by chunk as they arrive, without
 * decoding them: the package's one quote-aware line splitter. The records layer splits text and
 * `Uint8Array` records with it, and the CLI its input files.
 *
 * Lines end where the server ends them. A line feed inside a double-quoted string field value
 * belongs to the value (Go and Rust servers both track quotes); a backslash makes the next byte
 * plain, as Go's `scanLine` has it; a `"` opens or closes a string only in the field section (after
 * the first unescaped space), and only after more unescaped `=` than `,` there. One difference
 * from the server: a `#` comment ends at the next line feed whatever quotes it holds, so that a
 * stray quote in a comment cannot swallow the lines after it (comments are never sent, so the
 * server never sees one).
 *
 * Blank lines (whitespace only) and comments (a line whose first non-blank character is `#`) are
 * dropped: every server ignores them, and sent they would count as written lines. A carriage
 * return before a line feed is removed (every server except VictoriaMetrics rejects `\r` at the
 * end of a line). A byte-order mark at the start of the input is dropped. Everything else is
 * kept verbatim, unless {@link LineSplitterOptions.trimIndent} is set.
 *
 * Valid UTF-8 is checked on every complete line (and on comments); non-ASCII text is otherwise
 * passed through untouched.
 */
import { findInvalidUtf8, InvalidUtf8Error, isUtf8 } from './utf8.js'

const TAB = 0x09
const LF = 0x0a
const CR = 0x0d
const SPACE = 0x20
const QUOTE = 0x22
const HASH = 0x23
const COMMA = 0x2c
const EQUALS = 0x3d
const BACKSLASH = 0x5c

const NON_BLANK = /\S/

interface NativeIndexOf {
  indexOf(this: Uint8Array, value: number, from: number): number
}
// Node's and Bun's Buffer searches a byte with memchr; a typed array's own indexOf walks it.
const nativeIndexOf = (globalThis as { Buffer?: { prototype: Partial<NativeIndexOf> } }).Buffer?.prototype.indexOf

function indexOfByte(bytes: Uint8Array, value: number, from: number): number {
  return nativeIndexOf === undefined ? bytes.indexOf(value, from) : nativeIndexOf.call(bytes, value, from)
}

// A U+FEFF at the start of a line is a character of it: only the input's first one is a byte-order mark.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true })

/** Complete lines as UTF-8: the lines joined by `\n`, and the byte offset just past each. */
export class LineBlock implements Iterable<string> {
  constructor(
    /** The lines joined by `\n`, valid UTF-8. */
    readonly bytes: Uint8Array,
    /** `ends[i]` = byte offset in {@link bytes} just past line `i` (its `\n` not counted). */
    readonly ends: Uint32Array,
  ) {}

  get lineCount(): number {
    return this.ends.length
  }

  /** Where line `index` starts. */
  lineStart(index: number): number {
    return index === 0 ? 0 : this.ends[index - 1] + 1
  }

  /** Line `index` as text. */
  lineText(index: number): string {
    return decoder.decode(this.bytes.subarray(this.lineStart(index), this.ends[index]))
  }

  /** The lines as text: what a consumer that does not know blocks gets. */
  *[Symbol.iterator](): Iterator<string> {
    for (let i = 0; i < this.ends.length; i++) yield this.lineText(i)
  }
}

const EMPTY_BLOCK = new LineBlock(new Uint8Array(0), new Uint32Array(0))

/** A line longer than {@link LineSplitterOptions.maxLineBytes}: refused instead of being buffered without bound. */
export class LineTooLongError extends RangeError {
  override name = 'LineTooLongError'
  constructor(
    /** The 1-based number of the line's first physical line. */
    readonly line: number,
    readonly maxBytes: number,
  ) {
    super(`line ${line} is longer than ${maxBytes} bytes`)
  }
}

export interface LineSplitterOptions {
  /**
   * Drops the spaces and tabs before each line. The server ignores them too, but quotes a refused
   * line back without them, and a line sent with them cannot be matched to its refusal. They then
   * do not start the field section either, as they would for the server (after a space).
   * Default false: lines are kept verbatim.
   */
  trimIndent?: boolean
  /** A partial line longer than this throws {@link LineTooLongError}. Default 64 MiB. */
  maxLineBytes?: number
  /** Keeps a byte-order mark at the start as part of the first line (text that was never a file). Default false. */
  keepByteOrderMark?: boolean
}

/** Where the scanner is within a line. */
const enum Part {
  /** Spaces and tabs before the line. */
  Indent,
  Comment,
  /** Measurement and tags. */
  Key,
  /** Fields and timestamp: the only part where a `"` opens a string. */
  Fields,
}

/**
 * Splits line protocol arriving in chunks: {@link push} each chunk, then {@link end}. Each returns
 * the lines completed so far; a partial last line is carried over to the next chunk. Throws
 * {@link InvalidUtf8Error} (with the offset in the whole input) and {@link LineTooLongError}.
 */
export class LineSplitter {
  readonly #trimIndent: boolean
  readonly #maxLineBytes: number
  /** The partial line after the last complete one, already scanned (the state below is at its end). */
  #carry: Uint8Array = EMPTY_BLOCK.bytes
  /** Input offset of the carry's first byte. */
  #offset = 0
  /** Physical lines (line feeds) before the carry. */
  #physicalLines = 0
  /** Bytes held back at the very start while they could still be a byte-order mark. */
  #head: Uint8Array | undefined = new Uint8Array(0)
  // The scan state within the current line.
  #part = Part.Indent
  #sawSpace = false
  #quoted = false
  #escaped = false
  #equals = 0
  #commas = 0
  #feeds = 0
  // Positions of the next `"` and `\` in the buffer being split (its length when none).
  #nextQuote = -1
  #nextBackslash = -1

  constructor(options: LineSplitterOptions = {}) {
    this.#trimIndent = options.trimIndent === true
    this.#maxLineBytes = options.maxLineBytes ?? 64 * 1024 * 1024
    if (options.keepByteOrderMark === true) this.#head = undefined
  }

  /** The 1-based number of the physical line that the next byte of input is on. */
  get lineNumber(): number {
    return this.#physicalLines + this.#feeds + 1
  }

  /**
   * Splits one chunk: the lines it completes, in one block, or two when a line carried over from
   * the chunk before ends in it (that line alone is copied). The blocks may be views of the
   * chunk's bytes: do not reuse them.
   */
  push(chunk: Uint8Array): LineBlock[] {
    if (this.#head !== undefined) {
      const head = concat(this.#head, chunk)
      if (head.length < 3 && isBomPrefix(head)) {
        this.#head = head
        return []
      }
      this.#head = undefined
      chunk = this.#dropBom(head)
    }
    if (chunk.length === 0) return []
    const blocks: LineBlock[] = []
    let start = 0
    if (this.#carry.length > 0) {
      this.#nextQuote = this.#nextBackslash = -1
      const end = this.#lineEnd(chunk, 0)
      if (end === -1) {
        this.#carry = concat(this.#carry, chunk)
        if (this.#carry.length > this.#maxLineBytes)
          throw new LineTooLongError(this.#physicalLines + 1, this.#maxLineBytes)
        return blocks
      }
      // The carried line, completed: the scan resumes at its line feed, which ends it.
      const line = concat(this.#carry, chunk.subarray(0, end + 1))
      this.#carry = EMPTY_BLOCK.bytes
      const head = this.#split(line, 0, line.length - 1, false)
      if (head.lineCount > 0) blocks.push(head)
      start = end + 1
    }
    const rest = this.#split(chunk, start, start, false)
    if (rest.lineCount > 0) blocks.push(rest)
    if (this.#carry.length > this.#maxLineBytes) throw new LineTooLongError(this.#physicalLines + 1, this.#maxLineBytes)
    return blocks
  }

  /** The last line, once the input has ended. */
  end(): LineBlock[] {
    const blocks: LineBlock[] = []
    if (this.#head !== undefined) {
      const head = this.#dropBom(this.#head)
      this.#head = undefined
      if (head.length > 0) blocks.push(...this.push(head))
    }
    const carry = this.#carry
    if (carry.length === 0) return blocks
    this.#carry = EMPTY_BLOCK.bytes
    const last = this.#split(carry, 0, carry.length, true)
    if (last.lineCount > 0) blocks.push(last)
    return blocks
  }

  #dropBom(bytes: Uint8Array): Uint8Array {
    if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
      this.#offset += 3
      return bytes.subarray(3)
    }
    return bytes
  }

  /** Where the line being scanned ends in `buffer`, scanning from `from` (-1: not in it). */
  #lineEnd(buffer: Uint8Array, from: number): number {
    const quiet = !this.#quoted && !this.#escaped
    const nl = quiet ? indexOfByte(buffer, LF, from) : -1
    // Nothing before this line feed can open a string or escape it: no need to scan.
    return nl !== -1 && this.#quietUntil(buffer, from, nl) ? nl : this.#findLineEnd(buffer, from)
  }

  /**
   * Splits `buffer` from `start`, where a line begins whose bytes up to `from` are scanned already
   * (the state is at their end). At the end of the input (`last`) the rest is a line too.
   */
  #split(buffer: Uint8Array, start: number, from: number, last: boolean): LineBlock {
    const length = buffer.length
    const out = new BlockBuilder(buffer)
    this.#nextQuote = this.#nextBackslash = -1
    let lineStart = start
    while (lineStart < length) {
      let end = from < length ? this.#lineEnd(buffer, from) : -1
      if (end === -1) {
        if (!last) break
        end = length
        // An escaped or quoted line feed at the very end ends the input, not the value.
        if (end > lineStart && buffer[end - 1] === LF) end--
      }
      this.#physicalLines += 1 + this.#feeds
      this.#resetLine()
      out.line(lineStart, end, this.#trimIndent)
      lineStart = from = end + 1
    }
    const complete = Math.min(lineStart, length)
    // Only complete lines are checked: a character may continue in the next chunk.
    if (complete > start) {
      const lines = buffer.subarray(start, complete)
      if (!isUtf8(lines)) this.#invalidUtf8(lines, last)
      this.#offset += complete - start
    }
    if (complete < length) this.#carry = buffer.subarray(complete)
    return out.finish()
  }

  #invalidUtf8(bytes: Uint8Array, atEnd: boolean): never {
    const { at, truncated } = findInvalidUtf8(bytes)
    throw new InvalidUtf8Error(this.#offset + at, atEnd && truncated)
  }

  #resetLine(): void {
    this.#part = Part.Indent
    this.#sawSpace = this.#quoted = this.#escaped = false
    this.#equals = this.#commas = this.#feeds = 0
  }

  /**
   * Whether no `"` or `\` lies between `from` and the line feed at `nl`. The positions found are
   * kept, so that each search covers new bytes only and a chunk costs O(its length).
   */
  #quietUntil(buffer: Uint8Array, from: number, nl: number): boolean {
    if (this.#nextQuote < from) this.#nextQuote = positionOf(buffer, QUOTE, from)
    if (this.#nextBackslash < from) this.#nextBackslash = positionOf(buffer, BACKSLASH, from)
    return this.#nextQuote > nl && this.#nextBackslash > nl
  }

  /**
   * Scans from `from`, where the state describes the line so far. Returns the index of the line
   * feed that ends the line, or -1 when the buffer ends first (the state then describes the line).
   * The state is in locals while scanning: this loop sees every byte of a line with quotes.
   */
  #findLineEnd(buffer: Uint8Array, from: number): number {
    let part = this.#part
    let sawSpace = this.#sawSpace
    let quoted = this.#quoted
    let escaped = this.#escaped
    let equals = this.#equals
    let commas = this.#commas
    let feeds = this.#feeds
    const trimIndent = this.#trimIndent
    let end = -1
    bytes: for (let i = from; i < buffer.length; i++) {
      const c = buffer[i]
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
      if (part === Part.Indent) {
        if (c === SPACE) {
          sawSpace = true
          continue
        }
        if (c === TAB) continue
        if (c === HASH) {
          part = Part.Comment
          continue
        }
        // After a space the server is in the field section; a trimmed indent is not sent.
        part = sawSpace && !trimIndent ? Part.Fields : Part.Key
      }
      switch (part) {
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
              const nl = indexOfByte(buffer, LF, i + 1)
              if (nl !== -1 && this.#quietUntil(buffer, i + 1, nl)) {
                end = nl
                break bytes
              }
            }
          } else if (!quoted) {
            if (c === EQUALS) equals++
            else if (c === COMMA) commas++
          }
          break
      }
    }
    this.#part = part
    this.#sawSpace = sawSpace
    this.#quoted = quoted
    this.#escaped = escaped
    this.#equals = equals
    this.#commas = commas
    this.#feeds = feeds
    return end
  }
}

/**
 * The kept lines of one buffer, joined by `\n`: a view of the buffer while the lines lie in it
 * just so, a copy from the first line that does not (a dropped line after a kept one, a trimmed
 * indent, a removed carriage return).
 */
class BlockBuilder {
  readonly #source: Uint8Array
  /** Where the block starts in the source while it is a view. */
  #base = -1
  /** The copy, once the block is no longer a view. */
  #copy: Uint8Array | undefined
  #length = 0
  #ends: Uint32Array
  #count = 0

  constructor(source: Uint8Array) {
    this.#source = source
    this.#ends = new Uint32Array(Math.max(16, source.length >> 6))
  }

  /** The physical line `[start, end)` of the source: kept (trimmed), or dropped as blank or a comment. */
  line(start: number, end: number, trimIndent: boolean): void {
    const source = this.#source
    if (end > start && source[end - 1] === CR) end--
    if (end === start) return
    const first = source[start]
    if (first <= SPACE || first === HASH || first >= 0x80) {
      let visible = start
      while (visible < end && (source[visible] === SPACE || source[visible] === TAB)) visible++
      if (visible === end || source[visible] === HASH) return
      const c = source[visible]
      if (c < SPACE || c >= 0x80) {
        // Other whitespace (a carriage return, a no-break or em space …) may still make it blank.
        const found = NON_BLANK.exec(decoder.decode(source.subarray(visible, end)))
        if (found === null || found[0] === '#') return
      }
      if (trimIndent) start = visible
    }
    this.#append(start, end)
  }

  #append(start: number, end: number): void {
    if (this.#count === this.#ends.length) {
      const grown = new Uint32Array(this.#ends.length * 2)
      grown.set(this.#ends)
      this.#ends = grown
    }
    if (this.#copy === undefined) {
      if (this.#count === 0) this.#base = start
      // Still a view when the line follows the previous one after exactly one `\n`.
      const at = this.#base + this.#length + (this.#count === 0 ? 0 : 1)
      if (start === at) {
        this.#length = end - this.#base
        this.#ends[this.#count++] = this.#length
        return
      }
      this.#copy = new Uint8Array(this.#source.length - this.#base)
      this.#copy.set(this.#source.subarray(this.#base, this.#base + this.#length))
    }
    const copy = this.#copy
    if (this.#count > 0) copy[this.#length++] = LF
    copy.set(this.#source.subarray(start, end), this.#length)
    this.#length += end - start
    this.#ends[this.#count++] = this.#length
  }

  finish(): LineBlock {
    if (this.#count === 0) return EMPTY_BLOCK
    const bytes =
      this.#copy === undefined
        ? this.#source.subarray(this.#base, this.#base + this.#length)
        : this.#copy.subarray(0, this.#length)
    return new LineBlock(bytes, this.#ends.subarray(0, this.#count))
  }
}

/** `indexOf`, with "not found" as the end of the bytes so that it compares after every position. */
function positionOf(bytes: Uint8Array, value: number, from: number): number {
  const at = indexOfByte(bytes, value, from)
  return at === -1 ? bytes.length : at
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b
  const joined = new Uint8Array(a.length + b.length)
  joined.set(a)
  joined.set(b, a.length)
  return joined
}

function isBomPrefix(bytes: Uint8Array): boolean {
  const bom = [0xef, 0xbb, 0xbf]
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== bom[i]) return false
  return true
}

/** Splits whole line-protocol bytes (see {@link LineSplitter}) into one block. */
export function splitLineBytes(bytes: Uint8Array, options?: LineSplitterOptions): LineBlock {
  const splitter = new LineSplitter(options)
  const blocks = [...splitter.push(bytes), ...splitter.end()]
  return blocks.length === 1 ? blocks[0] : blocks.reduce(joinBlocks, EMPTY_BLOCK)
}

function joinBlocks(a: LineBlock, b: LineBlock): LineBlock {
  if (a.lineCount === 0) return b
  const bytes = new Uint8Array(a.bytes.length + 1 + b.bytes.length)
  bytes.set(a.bytes)
  bytes[a.bytes.length] = LF
  bytes.set(b.bytes, a.bytes.length + 1)
  const ends = new Uint32Array(a.lineCount + b.lineCount)
  ends.set(a.ends)
  for (let i = 0; i < b.lineCount; i++) ends[a.lineCount + i] = b.ends[i] + a.bytes.length + 1
  return new LineBlock(bytes, ends)
}
