/**
 * A batch as it waits and travels: one flat body string plus where each line ends.
 *
 * Serialised lines are usually rope strings built by concatenation, several times larger in
 * memory than their text. Joining them once, when the batch is complete, lets the pieces be
 * collected at once, and the body is what is sent anyway. The lines themselves are only needed
 * again on the rare paths (413 split, undelivered report); a raw line feed is legal inside a
 * string field, so they are cut by offset, never by splitting on `\n`.
 */
export class LinePayload {
  readonly body: string
  /** `ends[i]` = index in `body` just past line i. */
  readonly #ends: Uint32Array

  private constructor(body: string, ends: Uint32Array) {
    this.body = body
    this.#ends = ends
  }

  static of(lines: readonly string[]): LinePayload {
    const ends = new Uint32Array(lines.length)
    let at = 0
    for (let i = 0; i < lines.length; i++) {
      at += lines[i]!.length
      ends[i] = at
      at++ // the newline between lines
    }
    return new LinePayload(lines.join('\n'), ends)
  }

  get lineCount(): number {
    return this.#ends.length
  }

  /** The lines, as they were given to {@link LinePayload.of}. */
  lines(): string[] {
    const out: string[] = new Array(this.#ends.length)
    let start = 0
    for (let i = 0; i < this.#ends.length; i++) {
      out[i] = this.body.slice(start, this.#ends[i])
      start = this.#ends[i]! + 1
    }
    return out
  }
}
