/** The platform layer under {@link Transport}: sends one request, returns the raw answer. */

/** One request, fully prepared. */
export interface RawRequest {
  url: string
  method: string
  /** Lower-cased names. */
  headers: Record<string, string>
  /**
   * A string is sent as UTF-8. The engine reads the bytes until `send` settles, never after:
   * the caller may then reuse the buffer (a server may answer before it read the whole body).
   */
  body?: string | Uint8Array
  /**
   * Fires on timeout or on the caller's abort; the engine then rejects with `signal.reason`,
   * or resolves with the answer when a complete one had arrived while the body was still being sent.
   */
  signal: AbortSignal
  /** Keep the body of a 2xx answer (else it is discarded unread and `body` is empty). */
  readSuccessBody?: boolean
}

/**
 * Most bytes of an answer's body that are kept, after gunzip: enough for any error message.
 * The rest is not read; a gzip body is inflated only up to this size.
 */
export const MAX_RESPONSE_BODY_BYTES = 256 * 1024

/** One answer, body not yet decoded as text. */
export interface RawResponse {
  status: number
  statusText: string
  /** Lower-cased names; several `Set-Cookie` values are joined with a newline. */
  headers: Record<string, string>
  /** At most {@link MAX_RESPONSE_BODY_BYTES}; empty for a 2xx unless `readSuccessBody` was set. */
  body: Uint8Array
}

/** Sends requests over one platform API. Rejects with the platform's own error on a network failure. */
export interface Engine {
  /** Settles only once the engine no longer reads `request.body`. */
  send(request: RawRequest): Promise<RawResponse>
  /** Drops pooled connections. */
  close(): void
}

/** TLS settings for https URLs (node:https only). */
export interface TlsOptions {
  /** Verify the server certificate (default true). */
  rejectUnauthorized?: boolean
  /** Extra CA certificates, PEM (a `Buffer` is a `Uint8Array`). */
  ca?: string | Uint8Array | Array<string | Uint8Array>
  /** Client certificate and key (PEM) for mutual TLS. */
  cert?: string | Uint8Array
  /** Private key of the client certificate, PEM. */
  key?: string | Uint8Array
}
