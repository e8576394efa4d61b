// The test server's request log: what arrived, byte for byte, and what was answered, bounded in
// count and in memory so that a long-running `serve` can keep it on.
import type { IncomingHttpHeaders } from 'node:http'

/** A request as it arrived, before it is answered. */
export interface ReceivedRequest {
  /** HTTP method, upper case. */
  method: string
  /** URL path, without the query. */
  path: string
  /** Query parameters, decoded. */
  query: Record<string, string>
  /** The query string as sent, without `?` (`org=my+org&bucket=b`); '' when there is none. */
  rawQuery: string
  /** Request headers, lower-cased names. */
  headers: IncomingHttpHeaders
  /** The body as text; a valid gzip body is shown decompressed. */
  body: string
  /** The body's bytes as they arrived (still compressed when the request was). */
  rawBody: Uint8Array
  /** Which TCP connection carried the request: 1, 2, … in the order the server accepted them. */
  connection: number
  /** The request's number, 0 for the first one after the start or the last {@link TestServer.reset}. */
  index: number
  /** When the request arrived. */
  time: Date
}

/** A request as the server received it, and the status it answered. */
export interface RecordedRequest extends ReceivedRequest {
  /** The status answered; 0 when the connection was dropped on purpose. */
  status: number
}

/** Whatever this says, older requests are let go once the kept bodies pass this many characters and bytes. */
const MAX_RECORDED_BODY_SIZE = 64 * 1024 * 1024

/** The newest requests, at most `maxRecorded` of them and {@link MAX_RECORDED_BODY_SIZE} of bodies. */
export class RequestRecorder {
  /** Oldest first; the same array is handed out as {@link TestServer.requests}. */
  readonly requests: RecordedRequest[] = []
  readonly #maxRecorded: number
  #keptBodySize = 0

  constructor(maxRecorded: number) {
    this.#maxRecorded = maxRecorded
  }

  /** False when no request is kept at all, so that nothing needs to be prepared for the log. */
  get enabled(): boolean {
    return this.#maxRecorded > 0
  }

  record(request: ReceivedRequest, status: number): void {
    if (!this.enabled) return
    this.requests.push({ ...request, status })
    this.#keptBodySize += bodySize(request)
    let drop = 0
    while (
      drop < this.requests.length - 1 &&
      (this.requests.length - drop > this.#maxRecorded || this.#keptBodySize > MAX_RECORDED_BODY_SIZE)
    ) {
      this.#keptBodySize -= bodySize(this.requests[drop])
      drop++
    }
    if (drop > 0) this.requests.splice(0, drop)
  }

  reset(): void {
    this.requests.length = 0
    this.#keptBodySize = 0
  }
}

function bodySize(request: ReceivedRequest): number {
  return request.body.length + request.rawBody.byteLength
}
