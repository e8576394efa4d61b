// The server's clock, for points written without a time: the wall clock read once at start,
// advanced by the monotonic clock, so that times never go back when the system clock is stepped.

/** Nanoseconds since the epoch, from the wall clock at start plus monotonic time since. */
export class ServerClock {
  readonly #wallAtStart = BigInt(Date.now()) * 1_000_000n
  readonly #monoAtStart = process.hrtime.bigint()

  now(): bigint {
    return this.#wallAtStart + (process.hrtime.bigint() - this.#monoAtStart)
  }
}
