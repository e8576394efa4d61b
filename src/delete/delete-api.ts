/**
 * `await deleteApi.delete(start, stop, predicate, bucket, org)`: deletes the matching series
 * in a time range with `POST /api/v2/delete`, or on InfluxDB 1.x as an InfluxQL `DELETE` through
 * `POST /query`. InfluxDB 3 cannot delete by time range and predicate: there it throws.
 * Everything is checked before the request.
 */
import { InfluxDBError, InvalidArgumentError, UnsupportedOperationError } from '../errors.js'
import type { ApiSelection } from '../http/api-selector.js'
import type { ApiVersion, ApiVersionOption } from '../http/api-version.js'
import type { HttpResponse, Transport } from '../http/transport.js'
import { influxqlDeleteStatement } from './influxql-delete.js'
import { abortedError, RetryPolicy, type RetryOptions } from '../http/retry.js'
import { orgQueryValue, requireBucket, type OrgInput } from '../http/destination.js'
import { validatePredicate } from './predicate.js'
import { formatDeleteRange, type DeleteTime } from './time-range.js'

/** What a delete API needs from its client. */
export interface DeleteApiContext {
  transport: Transport
  org: OrgInput | undefined
  retry: RetryOptions | false
  /** The API deletes go through (v1, v2, v3, or asked of the server). */
  api: ApiSelection
}

/** Per-call options of `delete()`. */
export interface DeleteCallOptions {
  /** Aborts the request; the call rejects with `RequestAbortedError`. */
  signal?: AbortSignal
  /** Overrides the client's timeout, ms. */
  timeout?: number
}

/** The object form of `delete()`. */
export interface DeleteParameters extends DeleteCallOptions {
  /** Start of the range, inclusive: a `Date`, an RFC 3339 string or a bigint of nanoseconds since the epoch. */
  start: DeleteTime
  /** End of the range, inclusive, in the same forms as `start`; not before `start`. */
  stop: DeleteTime
  /** `''` deletes every series in the range. */
  predicate: string
  /** Bucket to delete from: a name or an ID. */
  bucket: string
  /** Organization: a name, an ID, or `{ id }`. Default: the client's `org`. */
  org?: OrgInput
}

/** Deletes data. */
export class DeleteApiAsync {
  readonly #ctx: DeleteApiContext
  readonly #retry: RetryPolicy | undefined

  /**
   * Users call `client.deleteApi()`.
   * @internal
   */
  static create(context: DeleteApiContext): DeleteApiAsync {
    return new DeleteApiAsync(context)
  }

  private constructor(context: DeleteApiContext) {
    this.#ctx = context
    this.#retry = context.retry === false ? undefined : new RetryPolicy(context.retry)
  }

  /**
   * Deletes the series matching `predicate` between `start` and `stop` (both inclusive) and
   * resolves `true` on any 2xx (2.x answers 204, 1.x's v2 endpoint 200).
   *
   * With `apiVersion: 'v1'` the delete is the InfluxQL statement
   * `DELETE FROM "m" WHERE "tag" = 'v' AND time >= 'start' AND time <= 'stop'` (`DELETE WHERE …`
   * without `_measurement`), sent as `POST /query?db=<bucket>`; 1.x cannot delete by `_field` or
   * `_measurement !=`, which are refused before sending, and a statement error in the 200 answer
   * is thrown as an {@link InfluxDBError}. With `apiVersion: 'v3'` it throws
   * {@link UnsupportedOperationError}. `org` is used by v2 only.
   *
   * `start`/`stop` are Dates, RFC 3339 strings or bigint nanoseconds, sent as RFC3339Nano;
   * `start` after `stop` is refused. `predicate` is checked against the server's grammar first
   * (see `predicate.ts`); **`''` deletes every series in the range**. `org` falls back to the client's.
   * Retried like a write (deleting twice has the same effect as once).
   */
  delete(
    start: DeleteTime,
    stop: DeleteTime,
    predicate: string,
    bucket: string,
    org?: OrgInput,
    options?: DeleteCallOptions,
  ): Promise<true>
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
    const known = this.#ctx.api.known
    if (known === 'v3') throw v3DeleteError()
    const bucketName = requireBucket(call.bucket, 'delete')
    if (known === 'v2') orgQueryValue(call.org, this.#ctx.org, 'delete')
    const range = formatDeleteRange(call.start, call.stop)
    validatePredicate(call.predicate)
    // Translated now where the API is known, so that what 1.x cannot delete by fails before anything is sent.
    if (known === 'v1') v1DeleteRequest(bucketName, range, call.predicate)
    if (call.signal?.aborted === true) throw abortedError(call.signal)
    const api = await this.#ctx.api.requestApi(call.signal)
    if (api.version === 'v3') throw v3DeleteError()
    const request =
      api.version === 'v1'
        ? v1DeleteRequest(bucketName, range, call.predicate)
        : v2DeleteRequest(bucketName, orgQueryValue(call.org, this.#ctx.org, 'delete'), range, call.predicate)
    const attempt = async (): Promise<unknown> => {
      const response = await this.#ctx.transport.request({
        method: 'POST',
        ...request,
        api,
        // 1.x answers a failed statement with a 200 whose body says so.
        ...(api.version === 'v1' ? { readSuccessBody: true } : {}),
        ...(call.timeout !== undefined ? { timeout: call.timeout } : {}),
        ...(call.signal !== undefined ? { signal: call.signal } : {}),
      })
      if (api.version === 'v1') throwStatementError(response, api)
      return response
    }
    if (this.#retry === undefined) await attempt()
    else
      await this.#retry.run(attempt, {
        stop: this.#ctx.transport.closeSignal,
        ...(call.signal !== undefined ? { signal: call.signal } : {}),
      })
    return true
  }
}

interface DeleteRequest {
  path: string
  query: Record<string, string>
  headers: Record<string, string>
  body: string
}

function v2DeleteRequest(
  bucket: string,
  org: string,
  range: { start: string; stop: string },
  predicate: string,
): DeleteRequest {
  return {
    path: '/api/v2/delete',
    query: { org, bucket },
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ start: range.start, stop: range.stop, predicate }),
  }
}

function v1DeleteRequest(bucket: string, range: { start: string; stop: string }, predicate: string): DeleteRequest {
  if (bucket.includes('/')) {
    // 1.x's DELETE runs over every shard of the database, whatever retention policy it names.
    throw new InvalidArgumentError(
      `delete: bucket ${JSON.stringify(bucket)} names a retention policy, but InfluxDB 1.x deletes from every retention policy of the database; pass the database name alone`,
    )
  }
  const statement = influxqlDeleteStatement(range.start, range.stop, predicate)
  return {
    path: '/query',
    query: { db: bucket },
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `q=${encodeURIComponent(statement)}`,
  }
}

/** 1.x answers a statement that failed (database not found, fields in WHERE) with 200 and `results[i].error`. */
function throwStatementError(response: HttpResponse, api: { version: ApiVersion; chosen: ApiVersionOption }): void {
  let results: unknown
  try {
    results = (JSON.parse(response.body) as { results?: unknown }).results
  } catch {
    return
  }
  if (!Array.isArray(results)) return
  for (const result of results) {
    const error = (result as { error?: unknown } | null)?.error
    if (typeof error === 'string' && error !== '') {
      throw new InfluxDBError({
        statusCode: response.status,
        body: response.body,
        headers: response.headers,
        message: `${error} (InfluxQL DELETE, apiVersion '${api.version}')`,
      })
    }
  }
}

function v3DeleteError(): UnsupportedOperationError {
  return new UnsupportedOperationError(
    "delete: InfluxDB 3 cannot delete points by time range and predicate (apiVersion 'v3'). What it offers instead: " +
      'drop a table (DELETE /api/v3/configure/table) or a database (DELETE /api/v3/configure/database), ' +
      'a retention period on the database, and in InfluxDB 3 Enterprise 3.11 and later, row deletes through its CLI (influxdb3 delete rows)',
  )
}

function isParameters(value: unknown): value is DeleteParameters {
  return typeof value === 'object' && value !== null && !(value instanceof Date)
}
