/**
 * Short texts (escaped names, keys with their `=`) encoded once and copied into a
 * {@link LineWriter} a 32-bit word at a time: shared by Points and tables.
 */
import type { ByteSink } from './byte-sink.js'

const encoder = new TextEncoder()

/**
 * A short text encoded once as UTF-8 and kept as little-endian 32-bit words (zero-padded), so
 * that {@link writeEncoded} copies it with one store per four bytes: a byte loop measured about
 * ten times slower for the 10-20 byte texts of tags and field keys.
 */
export class EncodedText {
  /** Bytes of the text (the words may hold up to three more, zeros). */
  readonly length: number
  readonly words: Uint32Array

  /** @param text the text, or its UTF-8 bytes */
  constructor(text: string | Uint8Array) {
    const bytes = typeof text === 'string' ? encoder.encode(text) : text
    this.length = bytes.length
    const padded = new Uint8Array((bytes.length + 3) & ~3)
    padded.set(bytes)
    this.words = new Uint32Array(padded.buffer)
  }

  /** The texts one after the other. */
  static concat(parts: readonly EncodedText[]): EncodedText {
    const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0))
    let at = 0
    for (const part of parts) {
      bytes.set(new Uint8Array(part.words.buffer, 0, part.length), at)
      at += part.length
    }
    return new EncodedText(bytes)
  }
}

/** The writer's buffer as a DataView, made again only when the writer grows or changes. */
let viewedBytes: Uint8Array | undefined
let view: DataView = new DataView(new ArrayBuffer(0))

/** `bytes` as a DataView, cached while the writer keeps the same buffer. */
export function viewOf(bytes: Uint8Array): DataView {
  if (bytes !== viewedBytes) {
    view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    viewedBytes = bytes
  }
  return view
}

/**
 * Copies `text` to the end of `out`. Whole words are stored, so up to three bytes past the
 * text are overwritten too: they lie beyond `out.length`, where nothing is written yet.
 */
export function writeEncoded(out: ByteSink, text: EncodedText): void {
  const at = out.length
  const words = text.words
  const count = words.length
  if (at + 4 * count > out.bytes.length) out.reserve(4 * count)
  const target = viewOf(out.bytes)
  for (let k = 0; k < count; k++) target.setUint32(at + 4 * k, words[k], true)
  out.length = at + text.length
}
