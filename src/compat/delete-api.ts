/** `DeleteAPI` of `@influxdata/influxdb-client-apis`: `postDelete({ org, bucket, body: { start, stop, predicate } })`. */
import type { OrgInput } from '../http/destination.js'
import { toCompatError, IllegalArgumentError } from './errors.js'
import type { InfluxDB } from './influxdb.js'

/** What {@link DeleteAPI.postDelete} takes. */
export interface PostDeleteRequest {
  /** The organization's name; or give `orgID`. */
  org?: string
  /** The organization's ID. */
  orgID?: string
  /** The bucket's name; or give `bucketID`. */
  bucket?: string
  /** The bucket's ID. */
  bucketID?: string
  /** The time range (RFC 3339, both ends inclusive) and the optional predicate. */
  body: {
    /** Start of the range, RFC 3339, inclusive. */
    start: string
    /** End of the range, RFC 3339, inclusive. */
    stop: string
    /** The delete predicate; without it, every series in the range. */
    predicate?: string
  }
}

/** Deletes points by time range and predicate. */
export class DeleteAPI {
  readonly #influxDB: InfluxDB

  /** @param influxDB - the client whose server and token are used */
  constructor(influxDB: InfluxDB) {
    this.#influxDB = influxDB
  }

  /**
   * Deletes the points of a bucket between `start` and `stop` that match `predicate`. The
   * predicate is checked before anything is sent, so a typo is an error rather than a delete of the wrong points.
   * @param request - the bucket, the organization and the range
   * @param requestOptions - `signal` aborts the request
   */
  async postDelete(request: PostDeleteRequest, requestOptions?: { signal?: AbortSignal }): Promise<void> {
    const bucket = request?.bucketID ?? request?.bucket
    const org: OrgInput | undefined = request?.orgID !== undefined ? { id: request.orgID } : request?.org
    if (request?.body === undefined)
      throw new IllegalArgumentError('postDelete: request.body with start and stop is required')
    if (bucket === undefined)
      throw new IllegalArgumentError('postDelete: request.bucket or request.bucketID is required')
    const client = this.#influxDB.asyncClient()
    try {
      await client
        .deleteApi()
        .delete(request.body.start, request.body.stop, request.body.predicate ?? '', bucket, org, {
          signal: requestOptions?.signal,
        })
    } catch (error) {
      throw toCompatError(error)
    } finally {
      await client.close()
    }
  }
}
