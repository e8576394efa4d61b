/**
 * Line protocol written straight into UTF-8 bytes.
 *
 * Why bytes: a line built as a JavaScript string is a tree of a dozen small strings (every
 * number's text, every `key=value`, every join), which is then flattened, measured and encoded
 * on its way to the wire. At a million points that garbage was about a third of the CPU time.
 * Here numbers are written digit by digit and escaped names are copied code unit by code unit,
 * so a Point or a table row leaves no string behind at all.
 *
 * A {@link LineWriter} is one growing buffer of lines separated by `\n`, with the byte offset
 * where each line ends, so that the rare paths that need a line back as text (a 413 split, a
 * report of undelivered lines, a partial write) can cut it out exactly. Line feeds inside a
 * string field are legal, so lines are never split on `\n`.
 */
import { writeDigits, writeFloat } from './number-bytes.js'
import { LITTLE_ENDIAN, NearbyInt64Writer, writeInt64Words } from './int64-bytes.js'
import type { LineBlock } from './line-splitter.js'

const encoder = new TextEncoder()
const decoder = new TextDecoder()

interface Utf8Slicer {
  utf8Slice(this: Uint8Array, start: number, end: number): string
}
// Node's and Bun's Buffer decodes a short range about twice as fast as TextDecoder (no view to make).
const nativeSlice = (globalThis as { Buffer?: { prototype: Partial<Utf8Slicer> } }).Buffer?.prototype.utf8Slice

/** `bytes[start, end)` decoded from UTF-8. */
export function decodeUtf8Range(bytes: Uint8Array, start: number, end: number): string {
  return nativeSlice === undefined ? decoder.decode(bytes.subarray(start, end)) : nativeSlice.call(bytes, start, end)
}

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

/**
 * Longer text is encoded natively. Measured per call: 8 code units 12 ns in the loop against 55
 * with `encodeInto`, 32 units 73 against 73, 64 units 167 against 62.
 */
const SHORT_TEXT = 32

/** Bytes a number's text can take at most (`-1.2345678901234567e-308`), with room to spare. */
const NUMBER_ROOM = 32

// Buffers that became chunk bodies and were given back by whoever sent or copied them. A body
// handed over by cut() leaves the writer needing a new buffer of the same size, and at volume
// allocating those (hundreds of KB each, every chunk) made V8 collect garbage for "external memory
// pressure": 33 extra collections for a million table rows, 200 -> 163 ms with recycling (--trace-gc).
const MAX_SPARE_BUFFERS = 8
/** Smaller bodies are not worth keeping. */
const MIN_SPARE_BYTES = 16 * 1024
/** Larger ones (a huge one-shot body) are let go rather than kept. */
const MAX_SPARE_BYTES = 4 << 20
/** Line-end arrays of fewer entries are cheap enough to allocate. */
const MIN_SPARE_ENDS = 256

/**
 * Typed arrays given back whole for reuse: at most {@link MAX_SPARE_BUFFERS}, each of `min` to
 * `max` elements. Allocating one costs microseconds (zeroed memory that V8 accounts as external).
 */
class SparePool<T extends Uint8Array | Uint32Array> {
  readonly #spares: T[] = []
  readonly #min: number
  readonly #max: number
  readonly #wrap: (buffer: ArrayBuffer) => T

  constructor(min: number, max: number, wrap: (buffer: ArrayBuffer) => T) {
    this.#min = min
    this.#max = max
    this.#wrap = wrap
  }

  /** Keeps the whole array under `view`; the caller guarantees that no view of it is still in use. */
  giveBack(view: { readonly buffer: ArrayBufferLike; readonly BYTES_PER_ELEMENT: number }): void {
    const buffer = view.buffer
    if (!(buffer instanceof ArrayBuffer) || this.#spares.length >= MAX_SPARE_BUFFERS) return
    const size = buffer.byteLength / view.BYTES_PER_ELEMENT
    if (size >= this.#min && size <= this.#max) this.#spares.push(this.#wrap(buffer))
  }

  /** A kept array of `size` to `size * slack` elements, taken out of the pool; undefined when none fits. */
  take(size: number, slack: number): T | undefined {
    const spares = this.#spares
    for (let i = spares.length - 1; i >= 0; i--) {
      const spare = spares[i]
      if (spare.length >= size && spare.length <= size * slack) {
        spares.splice(i, 1)
        return spare
      }
    }
    return undefined
  }
}

const spareBuffers = new SparePool(MIN_SPARE_BYTES, MAX_SPARE_BYTES, (buffer) => new Uint8Array(buffer))
const spareEnds = new SparePool(MIN_SPARE_ENDS, MAX_SPARE_BYTES >>> 2, (buffer) => new Uint32Array(buffer))

/**
 * Gives back the whole buffer under a chunk body that nothing reads any more, for the next
 * writer that needs one. The caller guarantees that no view of it is still in use.
 */
export function recycleBuffer(body: Uint8Array): void {
  spareBuffers.giveBack(body)
}

/** Gives back the array under a chunk's line ends that nothing reads any more (as {@link recycleBuffer}). */
export function recycleEnds(ends: Uint32Array): void {
  spareEnds.giveBack(ends)
}

/** `count` line ends, copied from `from`, in a recycled array when one fits. */
function copyEnds(from: Uint32Array, count: number): Uint32Array {
  const spare = spareEnds.take(count, 4)
  if (spare === undefined) return from.slice(0, count)
  const ends = spare.subarray(0, count)
  ends.set(from.subarray(0, count))
  return ends
}

/** The first `length` bytes of `from`, in a recycled buffer when one fits. */
function copyBytes(from: Uint8Array, length: number): Uint8Array {
  const target = newBuffer(length)
  target.set(from.subarray(0, length))
  return target.length === length ? target : target.subarray(0, length)
}

/** A buffer of at least `size` bytes: a recycled one when one is large enough. */
function newBuffer(size: number): Uint8Array {
  return spareBuffers.take(size, 2) ?? new Uint8Array(size)
}

/** A growing buffer of line-protocol lines, as UTF-8. */
export class LineWriter {
  /** The bytes; only `[0, length)` is written. Replaced when the writer grows. */
  bytes: Uint8Array
  /** Bytes written. */
  length = 0
  /** `ends[i]` = byte offset just past line i (its `\n` not counted). */
  #ends: Uint32Array
  #lines = 0

  constructor(capacity = 64 * 1024) {
    this.bytes = new Uint8Array(Math.max(capacity, 256))
    this.#ends = new Uint32Array(256)
  }

  /** Complete lines written. */
  get lineCount(): number {
    return this.#lines
  }

  /** Bytes the body takes: the complete lines joined by `\n`. */
  get bodyLength(): number {
    return this.#lines === 0 ? 0 : this.#ends[this.#lines - 1]
  }

  /** Makes room for `count` more bytes. */
  reserve(count: number): void {
    if (this.length + count > this.bytes.length) this.#grow(this.length + count)
  }

  #grow(needed: number): void {
    const grown = new Uint8Array(Math.max(needed, this.bytes.length * 2))
    grown.set(this.bytes.subarray(0, this.length))
    this.bytes = grown
  }

  /** Starts a line: writes the `\n` that separates it from the previous one. */
  beginLine(): void {
    if (this.#lines > 0) {
      this.reserve(1)
      this.bytes[this.length++] = 10
    }
  }

  /** Ends the line begun last. */
  endLine(): void {
    if (this.#lines === this.#ends.length) {
      const grown = new Uint32Array(this.#ends.length * 2)
      grown.set(this.#ends)
      this.#ends = grown
    }
    this.#ends[this.#lines++] = this.length
  }

  /**
   * Lines `[from, to)` of `block`, copied as they are: already split and checked line protocol
   * (line-splitter.ts). Call between lines, never inside one.
   */
  appendLines(block: LineBlock, from: number, to: number): void {
    if (to <= from) return
    const ends = block.ends
    const start = block.lineStart(from)
    const end = ends[to - 1]
    const separator = this.#lines > 0 ? 1 : 0
    this.reserve(separator + end - start)
    if (separator === 1) this.bytes[this.length++] = 10
    this.bytes.set(block.bytes.subarray(start, end), this.length)
    const shift = this.length - start
    const lines = this.#lines + (to - from)
    if (lines > this.#ends.length) {
      const grown = new Uint32Array(Math.max(lines, this.#ends.length * 2))
      grown.set(this.#ends.subarray(0, this.#lines))
      this.#ends = grown
    }
    for (let i = from; i < to; i++) this.#ends[this.#lines++] = ends[i] + shift
    this.length += end - start
  }

  /** Drops the line begun last (a record that failed halfway), with its separator. */
  abandonLine(): void {
    this.length = this.bodyLength
  }

  /** One whole line of text (already line protocol). */
  line(text: string): void {
    this.beginLine()
    this.text(text)
    this.endLine()
  }

  /**
   * Text as UTF-8. Short ASCII text (names, tag values) is copied in a loop, which beats the call
   * into the encoder; long text and anything non-ASCII goes to the encoder.
   */
  text(text: string): void {
    const count = text.length
    if (this.length + count * 3 > this.bytes.length) this.#grow(this.length + count * 3)
    const bytes = this.bytes
    if (count > SHORT_TEXT) {
      this.length += encoder.encodeInto(text, bytes.subarray(this.length)).written
      return
    }
    let at = this.length
    for (let i = 0; i < count; i++) {
      const c = text.charCodeAt(i)
      if (c >= 0x80) {
        // Escaping has refused lone surrogates, so the encoder writes exactly what was given.
        at += encoder.encodeInto(i === 0 ? text : text.slice(i), bytes.subarray(at)).written
        break
      }
      bytes[at++] = c
    }
    this.length = at
  }

  /** One byte (an ASCII delimiter). */
  byte(value: number): void {
    if (this.length === this.bytes.length) this.#grow(this.length + 1)
    this.bytes[this.length++] = value
  }

  /** A safe integer in decimal (`-12`, `0`, `345`), then the byte `suffix` if given (`i` of a field). */
  integer(value: number, suffix?: number): void {
    this.reserve(NUMBER_ROOM)
    if (value < 0) {
      this.bytes[this.length++] = 45
      writeDigits(this, -value)
    } else writeDigits(this, value)
    // Within the room reserved above: a safe integer takes at most 17 bytes with its sign.
    if (suffix !== undefined) this.bytes[this.length++] = suffix
  }

  /** A bigint in decimal: through its 64-bit words when it fits int64 (see int64-bytes.ts). */
  bigint(value: bigint): void {
    if (value >= INT64_MIN && value <= INT64_MAX && LITTLE_ENDIAN) {
      int64Scratch[0] = value
      writeInt64Words(this, int64Words[0], int64Words[1])
    } else this.text(`${value}`)
  }

  /**
   * A bigint timestamp in decimal, as {@link bigint} writes it. Faster for values that grow by
   * little from one call to the next, as the timestamps of a stream do: the digits above the
   * last nine are copied from the previous value.
   */
  timestamp(value: bigint): void {
    if (value >= INT64_MIN && value <= INT64_MAX && LITTLE_ENDIAN) {
      int64Scratch[0] = value
      nearbyTimestamps.write(this, int64Words[0], int64Words[1])
    } else this.text(`${value}`)
  }

  /** A finite float exactly as `String(value)` writes it (`-0` kept), the text of float-text.ts. */
  float(value: number): void {
    writeFloat(this, value)
  }

  /** The body: complete lines joined by `\n`. A view, valid until the writer is written again. */
  body(): Uint8Array {
    return this.bytes.subarray(0, this.bodyLength)
  }

  /** Line `index` as text. */
  lineText(index: number): string {
    const start = index === 0 ? 0 : this.#ends[index - 1] + 1
    return decodeUtf8Range(this.bytes, start, this.#ends[index])
  }

  /** Every complete line as text. */
  lines(): string[] {
    const out = new Array<string>(this.#lines)
    for (let i = 0; i < this.#lines; i++) out[i] = this.lineText(i)
    return out
  }

  /** The UTF-8 byte offsets where the complete lines end. A view, valid until the writer is written again. */
  lineEnds(): Uint32Array {
    return this.#ends.subarray(0, this.#lines)
  }

  /**
   * Takes the first `count` complete lines out as a body of their own (a copy) with their line
   * ends, keeping whatever follows them (the separator after them is dropped).
   */
  cut(count: number): { body: Uint8Array; ends: Uint32Array } {
    if (count === 0) return { body: new Uint8Array(0), ends: new Uint32Array(0) }
    const end = this.#ends[count - 1]
    const ends = copyEnds(this.#ends, count)
    if (count === this.#lines && end >= this.bytes.length >> 1) {
      // Everything goes and fills at least half the buffer: the buffer itself becomes the body, and
      // the writer starts a new one of the same size (an allocation either way; this saves the copy).
      const body = this.bytes.subarray(0, end)
      this.bytes = newBuffer(this.bytes.length)
      this.clear()
      return { body, ends }
    }
    const body = copyBytes(this.bytes, end)
    if (count === this.#lines) {
      this.clear()
      return { body, ends }
    }
    // The rest starts after the separating newline.
    const restStart = end + 1
    this.bytes.copyWithin(0, restStart, this.length)
    this.length -= restStart
    for (let i = count; i < this.#lines; i++) this.#ends[i - count] = this.#ends[i] - restStart
    this.#lines -= count
    return { body, ends }
  }

  /** Forgets everything written; keeps the buffer. */
  clear(): void {
    this.length = 0
    this.#lines = 0
  }
}

// A bigint is stored here and read back as its two 32-bit words: no allocation, unlike bigint
// arithmetic. Shared by all writers, as is the timestamp writer (timestamps of one stream).
const int64Scratch = new BigInt64Array(1)
const int64Words = new Uint32Array(int64Scratch.buffer)
const nearbyTimestamps = new NearbyInt64Writer()
