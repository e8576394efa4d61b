/**
 * The BatchWriter's memory bound: a counting semaphore over buffered lines.
 *
 * A line is "buffered" from the moment `write()` hands it over until the server acknowledged it
 * or it was declared undelivered; that includes lines waiting for a retry, so a dead server stops
 * producers instead of growing memory. Waiters are served strictly first in, first out, so a
 * stream of small writes cannot starve a large one.
 */

interface Waiter {
  lines: number
  resolve: () => void
  reject: (error: unknown) => void
}

export class LineBudget {
  readonly limit: number
  #used = 0
  #peak = 0
  #waiters: Waiter[] = []
  #failure: unknown = undefined

  constructor(limit: number) {
    this.limit = limit
  }

  /** Lines currently held. */
  get used(): number {
    return this.#used
  }

  /** The highest `used` ever reached. */
  get peak(): number {
    return this.#peak
  }

  /** How many callers are waiting for room. */
  get waiting(): number {
    return this.#waiters.length
  }

  /**
   * Takes room for `lines` (1 ≤ lines ≤ limit). Returns `undefined` when the room was taken at
   * once (the hot path allocates no promise), otherwise a promise that resolves once it was taken.
   */
  acquire(lines: number): Promise<void> | undefined {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the failure that stopped the writer is passed on as it was thrown
    if (this.#failure !== undefined) return Promise.reject(this.#failure)
    if (this.#waiters.length === 0 && this.#used + lines <= this.limit) {
      this.#take(lines)
      return undefined
    }
    return new Promise<void>((resolve, reject) => {
      this.#waiters.push({ lines, resolve, reject })
    })
  }

  /** Takes room for `lines` if it is free now and nobody waits; false (nothing taken) otherwise. */
  tryTake(lines: number): boolean {
    if (this.#failure !== undefined || this.#waiters.length > 0 || this.#used + lines > this.limit) return false
    this.#take(lines)
    return true
  }

  /** Gives back room taken earlier and wakes the waiters that now fit, in order. */
  release(lines: number): void {
    this.#used -= lines
    let served = 0
    while (served < this.#waiters.length) {
      const next = this.#waiters[served]
      if (this.#used + next.lines > this.limit) break
      this.#take(next.lines)
      next.resolve()
      served++
    }
    if (served > 0) this.#waiters.splice(0, served)
  }

  /** Rejects every current and future waiter with `error` (the writer was aborted). */
  fail(error: unknown): void {
    this.#failure = error
    const waiters = this.#waiters
    this.#waiters = []
    for (const w of waiters) w.reject(error)
  }

  #take(lines: number): void {
    this.#used += lines
    if (this.#used > this.#peak) this.#peak = this.#used
  }
}
