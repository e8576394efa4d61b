/** The platform layer under {@link Transport}: sends one request, returns the raw answer. */

/** One request, fully prepared. */
export interface RawRequest {
  url: string
  method: string
  /** Lower-cased names. */
  headers: Record<string, string>
  /** A string is sent as UTF-8. */
  body?: string | Uint8Array
  /** Fires on timeout or on the caller's abort; the engine then rejects with `signal.reason`. */
  signal: AbortSignal
}

/** One answer, body not yet decoded as text. */
export interface RawResponse {
  status: number
  statusText: string
  /** Lower-cased names; several `Set-Cookie` values are joined with a newline. */
  headers: Record<string, string>
  body: Uint8Array
}

/** Sends requests over one platform API. Rejects with the platform's own error on a network failure. */
export interface Engine {
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
  key?: string | Uint8Array
}
