/**
 * The spool's records in file order, by sequence number: when each was spooled, how many
 * lines it holds, where it starts in its segment file, and whether it was released. `front` is
 * the first record not released, so a segment whose records all lie before it can be deleted.
 * Records are released out of order (several batches are on the wire at once); `front` moves
 * over every released one.
 */
export class RecordRing {
  #base = 0
  #times = new Float64Array(1024)
  #lines = new Uint32Array(1024)
  #offsets = new Float64Array(1024)
  #released = new Uint8Array(1024)
  #front = 0
  #end = 0
  #unreleasedLines = 0

  /** Sequence number of the first record not released. */
  get front(): number {
    return this.#front
  }

  /** Sequence number the next record gets. */
  get end(): number {
    return this.#end
  }

  get unreleasedLines(): number {
    return this.#unreleasedLines
  }

  /** When the oldest record not released was spooled. */
  get oldestTime(): number | undefined {
    return this.#front < this.#end ? this.#times[this.#front - this.#base] : undefined
  }

  /** Lines of record `seq` (one not released). */
  linesOf(seq: number): number {
    return this.#lines[seq - this.#base]
  }

  /** Where record `seq` (one not released) starts in its segment file. */
  offsetOf(seq: number): number {
    return this.#offsets[seq - this.#base]
  }

  push(time: number, lines: number, offset: number): number {
    if (this.#end - this.#base === this.#times.length) this.#makeRoom()
    const i = this.#end - this.#base
    this.#times[i] = time
    this.#lines[i] = lines
    this.#offsets[i] = offset
    this.#released[i] = 0
    this.#unreleasedLines += lines
    return this.#end++
  }

  /** Marks record `seq` released; returns false when it was not held (released before, or unknown). */
  release(seq: number): boolean {
    if (seq < this.#front || seq >= this.#end) return false
    const i = seq - this.#base
    if (this.#released[i] === 1) return false
    this.#released[i] = 1
    this.#unreleasedLines -= this.#lines[i]
    while (this.#front < this.#end && this.#released[this.#front - this.#base] === 1) this.#front++
    return true
  }

  #makeRoom(): void {
    const live = this.#end - this.#front
    const offset = this.#front - this.#base
    const capacity = live * 2 > this.#times.length ? this.#times.length * 2 : this.#times.length
    const times = new Float64Array(capacity)
    const lines = new Uint32Array(capacity)
    const offsets = new Float64Array(capacity)
    const released = new Uint8Array(capacity)
    times.set(this.#times.subarray(offset, offset + live))
    lines.set(this.#lines.subarray(offset, offset + live))
    offsets.set(this.#offsets.subarray(offset, offset + live))
    released.set(this.#released.subarray(offset, offset + live))
    this.#times = times
    this.#lines = lines
    this.#offsets = offsets
    this.#released = released
    this.#base = this.#front
  }
}
