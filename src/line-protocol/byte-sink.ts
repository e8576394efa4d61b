/**
 * What the byte helpers (encoded-text.ts, number-bytes.ts, int64-bytes.ts) write into: the part
 * of a `LineWriter` they use. Declared apart so that they do not import line-writer.ts, which
 * imports them.
 */
export interface ByteSink {
  /** The bytes; only `[0, length)` is written. Replaced when the sink grows. */
  bytes: Uint8Array
  /** Bytes written. */
  length: number
  /** Makes room for `count` more bytes. */
  reserve(count: number): void
  /** Appends one byte. */
  byte(value: number): void
  /** Appends text as UTF-8. */
  text(text: string): void
}
