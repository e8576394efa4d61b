/**
 * The BatchWriter's books: which batches still await their outcome, which lines failed, and who
 * must hear about it. Each failure is reported exactly once: by the first `flush()` that covers
 * its batch, by a `write()` once too many wait (see BatchWriter.write), or else by `close()`.
 * A callback's error is reported the same way.
 */
import { BatchCallbackError, UndeliveredLinesError, type UndeliveredBatch } from '../errors.js'

interface Failure {
  seq: number
  batch: UndeliveredBatch
}

interface FlushWaiter {
  /** Batches with `seq <= marker` are the ones this flush covers. */
  marker: number
  remaining: number
  resolve: () => void
  reject: (error: unknown) => void
}

export class SettlementLedger {
  #nextSeq = 1
  #unsettled = 0
  #failures: Failure[] = []
  #failedLines = 0
  #callbackErrors: unknown[] = []
  #flushWaiters: FlushWaiter[] = []

  /** Batches opened and not settled yet. */
  get unsettled(): number {
    return this.#unsettled
  }

  /** Numbers a new batch; it counts as unsettled until {@link settle} is called with its number. */
  open(): number {
    this.#unsettled++
    return this.#nextSeq++
  }

  /** Lines of batch `seq` that will not be delivered. */
  recordFailure(seq: number, batch: UndeliveredBatch): void {
    this.#failures.push({ seq, batch })
    this.#failedLines += batch.lines.length
  }

  /** Undelivered lines held until a report hands them over. */
  get unreportedLines(): number {
    return this.#failedLines
  }

  /** A user callback threw or rejected. */
  recordCallbackError(error: unknown): void {
    this.#callbackErrors.push(error)
  }

  /** Batch `seq` is done; the flushes waiting for it may complete. */
  settle(seq: number): void {
    this.#unsettled--
    if (this.#flushWaiters.length === 0) return
    const done: FlushWaiter[] = []
    for (const w of this.#flushWaiters) {
      if (seq <= w.marker && --w.remaining === 0) done.push(w)
    }
    if (done.length === 0) return
    this.#flushWaiters = this.#flushWaiters.filter((w) => w.remaining > 0)
    for (const w of done) this.#finish(w)
  }

  /** Resolves when every batch opened so far has settled; rejects with the failures among them not reported yet. */
  whenSettled(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      // Every unsettled batch was opened before now, so all of them are covered.
      const waiter: FlushWaiter = { marker: this.#nextSeq - 1, remaining: this.#unsettled, resolve, reject }
      if (waiter.remaining === 0) this.#finish(waiter)
      else this.#flushWaiters.push(waiter)
    })
  }

  /** The error to report for batches up to `marker` (all by default), if any; marks it reported. */
  takeReport(marker = Number.POSITIVE_INFINITY): Error | undefined {
    const batches: UndeliveredBatch[] = []
    const kept: Failure[] = []
    for (const f of this.#failures) {
      if (f.seq <= marker) batches.push(f.batch)
      else kept.push(f)
    }
    // Callback errors are not tied to batches: each report takes all of them, so none is left behind.
    const callbackErrors = this.#callbackErrors
    if (batches.length > 0) {
      this.#failures = kept
      this.#failedLines = kept.reduce((n, f) => n + f.batch.lines.length, 0)
      this.#callbackErrors = []
      return new UndeliveredLinesError(batches, callbackErrors)
    }
    if (callbackErrors.length > 0) {
      this.#callbackErrors = []
      return new BatchCallbackError(callbackErrors)
    }
    return undefined
  }

  #finish(waiter: FlushWaiter): void {
    const error = this.takeReport(waiter.marker)
    if (error === undefined) waiter.resolve()
    else waiter.reject(error)
  }
}
