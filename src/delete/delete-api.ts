/**
 * `await deleteApi.delete(start, stop, predicate, bucket, org)`: deletes the matching series
 * in a time range with `POST /api/v2/delete`. Everything is checked before the request.
 */
import type { Transport } from '../http/transport.js'
import { abortedError, RetryPolicy, type RetryOptions } from '../http/retry.js'
import { resolveOrg, requireBucket, type OrgInput } from '../options.js'
import { validatePredicate } from './predicate.js'
import { formatDeleteRange, type DeleteTime } from './time-range.js'

/** What a delete API needs from its client. */
export interface DeleteApiContext {
  transport: Transport
  org: OrgInput | undefined
  retry: RetryOptions | false
}

/** Per-call options of `delete()`. */
export interface DeleteCallOptions {
  signal?: AbortSignal
  /** Overrides the client's timeout, ms. */
  timeout?: number
}

/** The object form of `delete()`. */
export interface DeleteParameters extends DeleteCallOptions {
  start: DeleteTime
  stop: DeleteTime
  /** `''` deletes every series in the range. */
  predicate: string
  bucket: string
  org?: OrgInput
}

/** Deletes data. */
export class DeleteApiAsync {
  readonly #ctx: DeleteApiContext
  readonly #retry: RetryPolicy | undefined

  /** Use `client.deleteApi()`. */
  constructor(context: DeleteApiContext) {
    this.#ctx = context
    this.#retry = context.retry === false ? undefined : new RetryPolicy(context.retry)
  }

  /**
   * Deletes the series matching `predicate` between `start` and `stop` (both inclusive) and
   * resolves `true` on any 2xx (2.x answers 204, 1.x's v2 endpoint 200).
   *
   * `start`/`stop` are Dates, RFC 3339 strings or bigint nanoseconds, sent as RFC3339Nano;
   * `start` after `stop` is refused. `predicate` is checked against the server's grammar first
   * (see `predicate.ts`); **`''` deletes every series in the range**. `org` falls back to the client's.
   * Retried like a write (deleting twice has the same effect as once).
   */
  delete(start: DeleteTime, stop: DeleteTime, predicate: string, bucket: string, org?: OrgInput, options?: DeleteCallOptions): Promise<true>
  delete(parameters: DeleteParameters): Promise<true>
  async delete(
    startOrParameters: DeleteTime | DeleteParameters,
    stop?: DeleteTime,
    predicate?: string,
    bucket?: string,
    org?: OrgInput,
    options: DeleteCallOptions = {},
  ): Promise<true> {
    const call = isParameters(startOrParameters)
      ? startOrParameters
      : { start: startOrParameters, stop: stop!, predicate: predicate!, bucket: bucket!, org, ...options }
    const query = { org: resolveOrg(call.org, this.#ctx.org, 'delete'), bucket: requireBucket(call.bucket, 'delete') }
    const range = formatDeleteRange(call.start, call.stop)
    validatePredicate(call.predicate)
    if (call.signal?.aborted === true) throw abortedError(call.signal)
    const body = JSON.stringify({ start: range.start, stop: range.stop, predicate: call.predicate })
    const attempt = (): Promise<unknown> =>
      this.#ctx.transport.request({
        method: 'POST',
        path: '/api/v2/delete',
        query,
        headers: { 'content-type': 'application/json' },
        body,
        ...(call.timeout !== undefined ? { timeout: call.timeout } : {}),
        ...(call.signal !== undefined ? { signal: call.signal } : {}),
      })
    if (this.#retry === undefined) await attempt()
    else await this.#retry.run(attempt, { stop: this.#ctx.transport.closeSignal, ...(call.signal !== undefined ? { signal: call.signal } : {}) })
    return true
  }
}

function isParameters(value: unknown): value is DeleteParameters {
  return typeof value === 'object' && value !== null && !(value instanceof Date)
}
