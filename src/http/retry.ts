/**
 * When and how long to wait before trying a request again. Used by one-shot `write()` and
 * `delete()` (through {@link RetryPolicy.run}) and by the BatchWriter, which schedules retries
 * itself with {@link RetryPolicy.isRetriable} and {@link RetryPolicy.nextDelay}.
 */
import {
  ClosedError,
  InfluxDBError,
  InvalidArgumentError,
  NetworkError,
  PartialWriteError,
  RequestAbortedError,
  RequestTimeoutError,
} from '../errors.js'
import { MAX_TIMER_DELAY } from './timer-limits.js'
import { RETRY_DEFAULTS } from '../defaults.js'

/** Retry settings. Every field is optional; missing ones take `RETRY_DEFAULTS` (defaults.ts). */
export interface RetryOptions {
  /** Retries after the first attempt (so `maxRetries + 1` attempts at most). Default 3. */
  maxRetries?: number
  /** Smallest wait before a retry, ms. Default 1000. */
  minRetryDelay?: number
  /** Largest backoff wait, ms (a longer `Retry-After` is still honoured). Default 30000. */
  maxRetryDelay?: number
  /** Total time budget from the first attempt, ms: no retry is started that would begin after it. Default 60000. */
  maxRetryTime?: number
  /** Growth of the backoff ceiling per attempt. Default 2. */
  exponentialBase?: number
  /**
   * HTTP statuses retried in addition to 408, 429, 502, 503 and 504, which are always retried: add
   * 500 to retry internal errors. Statuses that can never succeed on a retry (400, 401, 403, 404,
   * 413, 422) and anything that is not an error status are refused.
   */
  retryStatusCodes?: readonly number[]
}

/** Statuses that a retry cannot fix: the request itself is wrong (413 is split by the batch writer instead). */
const NEVER_RETRIED = new Set([400, 401, 403, 404, 413, 422])

/** What {@link RetryPolicy.run} reports before each wait. */
export interface RetryEvent {
  /** The attempt that failed, from 1. */
  attempt: number
  /** The wait before the next attempt, ms. */
  delay: number
  /** The error that is being retried. */
  error: unknown
}

/** Options of one {@link RetryPolicy.run}. */
export interface RetryRunOptions {
  /** Aborts the waits and the attempts after them; the call rejects with the abort. */
  signal?: AbortSignal
  /** Ends a wait between attempts (the client's close): the call then rejects with a `ClosedError` of its own. */
  stop?: AbortSignal
  /** Called before each wait for a retry. */
  onRetry?: (event: RetryEvent) => void
}

/**
 * Exponential backoff with full jitter: the wait before retry n is uniform between
 * `minRetryDelay` and `min(maxRetryDelay, minRetryDelay * exponentialBase^(n-1))`, and never
 * shorter than the server's `Retry-After`. Retried: network errors, timeouts and the statuses
 * in `retryStatusCodes`. Never retried: any other status, partial writes and aborts.
 */
export class RetryPolicy {
  /** The options in force, defaults filled in. */
  readonly options: Readonly<Required<RetryOptions>>
  readonly #random: () => number
  readonly #now: () => number

  constructor(options: RetryOptions = {}, clock: { random?: () => number; now?: () => number } = {}) {
    this.options = Object.freeze(
      validateRetryOptions({ ...RETRY_DEFAULTS, ...definedOnly(options) }, options.retryStatusCodes),
    )
    this.#random = clock.random ?? Math.random
    this.#now = clock.now ?? Date.now
  }

  /** True when a later attempt might succeed where this one failed. */
  isRetriable(error: unknown): boolean {
    if (error instanceof PartialWriteError) return false
    if (error instanceof InfluxDBError) return this.options.retryStatusCodes.includes(error.statusCode)
    return error instanceof NetworkError || error instanceof RequestTimeoutError
  }

  /**
   * The wait in ms before the attempt after `attempt` (1 = the first attempt failed), or
   * `undefined` to give up: not retriable, out of retries, or the wait would end beyond the
   * `maxRetryTime` budget (`elapsed` = ms since the first attempt started).
   */
  nextDelay(attempt: number, error: unknown, elapsed: number): number | undefined {
    if (!this.isRetriable(error) || attempt > this.options.maxRetries) return undefined
    const { minRetryDelay, maxRetryDelay, exponentialBase, maxRetryTime } = this.options
    const ceiling = Math.max(minRetryDelay, Math.min(maxRetryDelay, minRetryDelay * exponentialBase ** (attempt - 1)))
    let delay = minRetryDelay + this.#random() * (ceiling - minRetryDelay)
    const retryAfter = error instanceof InfluxDBError ? error.retryAfter : undefined
    if (retryAfter !== undefined) delay = Math.max(delay, retryAfter * 1000)
    delay = Math.ceil(delay)
    return elapsed + delay > maxRetryTime ? undefined : delay
  }

  /**
   * Calls `attempt(1)`, and again with 2, 3, … while it fails with a retriable error and the
   * policy allows, waiting in between. Resolves with the first success; rejects with the last
   * error, or with {@link RequestAbortedError} when `signal` fires (also during a wait).
   */
  async run<T>(attempt: (attemptNumber: number) => Promise<T>, options: RetryRunOptions = {}): Promise<T> {
    const started = this.#now()
    for (let n = 1; ; n++) {
      throwIfAborted(options.signal)
      try {
        return await attempt(n)
      } catch (error) {
        if (options.signal?.aborted === true || error instanceof RequestAbortedError) throw error
        const delay = this.nextDelay(n, error, this.#now() - started)
        if (delay === undefined) throw error
        options.onRetry?.({ attempt: n, delay, error })
        await sleepUnlessStopped(delay, options.signal, options.stop, error)
      }
    }
  }
}

/**
 * Resolves after `ms`, or rejects with {@link RequestAbortedError} when `signal` fires. The timer
 * keeps the process alive on purpose: someone is awaiting the retry.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(abortedError(signal))
      return
    }
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(abortedError(signal!))
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/**
 * {@link sleep}, ended early by `stop` (the client's close) with a {@link ClosedError} of this
 * call's own, whose cause is the error that was going to be retried.
 */
async function sleepUnlessStopped(
  ms: number,
  signal: AbortSignal | undefined,
  stop: AbortSignal | undefined,
  retrying: unknown,
): Promise<void> {
  if (stop === undefined) return sleep(ms, signal)
  const stopped = (): ClosedError =>
    new ClosedError('the client was closed while this request waited for a retry', { cause: retrying })
  if (stop.aborted) throw stopped()
  const either = signal === undefined ? stop : anySignal(signal, stop)
  try {
    await sleep(ms, either)
  } catch (error) {
    if (stop.aborted && signal?.aborted !== true) throw stopped()
    throw error
  }
}

/** A signal that fires with the first of the two; `AbortSignal.any` where the runtime has it. */
function anySignal(a: AbortSignal, b: AbortSignal): AbortSignal {
  if (typeof AbortSignal.any === 'function') return AbortSignal.any([a, b])
  const controller = new AbortController()
  for (const signal of [a, b]) {
    if (signal.aborted) controller.abort(signal.reason)
    else signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true })
  }
  return controller.signal
}

/** The error for an aborted operation, keeping the signal's reason as `cause`. */
export function abortedError(signal: AbortSignal): RequestAbortedError {
  return new RequestAbortedError('the request was aborted', { cause: signal.reason })
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw abortedError(signal)
}

function definedOnly(options: RetryOptions): RetryOptions {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined))
}

function validateRetryOptions(
  o: Required<RetryOptions>,
  extraStatusCodes: readonly number[] | undefined,
): Required<RetryOptions> {
  const check = (name: string, value: number, min: number, max = Number.MAX_VALUE): void => {
    if (typeof value !== 'number' || !(value >= min) || !(value <= max)) {
      throw new InvalidArgumentError(
        `retry.${name} must be a finite number >= ${min}${max < Number.MAX_VALUE ? ` and <= ${max}` : ''}, got ${String(value)}`,
      )
    }
  }
  check('maxRetries', o.maxRetries, 0)
  // Every wait is at most maxRetryTime: within what a timer can hold.
  check('minRetryDelay', o.minRetryDelay, 0, MAX_TIMER_DELAY)
  check('maxRetryDelay', o.maxRetryDelay, 0, MAX_TIMER_DELAY)
  check('maxRetryTime', o.maxRetryTime, 0, MAX_TIMER_DELAY)
  check('exponentialBase', o.exponentialBase, 1)
  if (o.maxRetryDelay < o.minRetryDelay) {
    throw new InvalidArgumentError(
      `retry.maxRetryDelay (${o.maxRetryDelay}) is smaller than retry.minRetryDelay (${o.minRetryDelay})`,
    )
  }
  const statuses = new Set(RETRY_DEFAULTS.retryStatusCodes)
  if (extraStatusCodes !== undefined) {
    if (!Array.isArray(extraStatusCodes))
      throw new InvalidArgumentError(
        `retry.retryStatusCodes must be an array of HTTP statuses, got ${String(extraStatusCodes)}`,
      )
    for (const status of extraStatusCodes as readonly unknown[]) {
      if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) {
        throw new InvalidArgumentError(
          `retry.retryStatusCodes: ${String(status)} is not an HTTP error status (400-599)`,
        )
      }
      if (NEVER_RETRIED.has(status))
        throw new InvalidArgumentError(`retry.retryStatusCodes: ${status} is never retried, a retry cannot succeed`)
      statuses.add(status)
    }
  }
  return { ...o, retryStatusCodes: Object.freeze([...statuses].sort((a, b) => a - b)) }
}
