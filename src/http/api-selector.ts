/**
 * Which API a client's requests use: the one set in `apiVersion`, or for `'auto'` the one the
 * server's `GET /ping` points to, asked once per client (again only after a failed attempt).
 */
import { InfluxDBError } from '../errors.js'
import { identifyServer, type ApiVersion, type ApiVersionOption, type ServerIdentity } from './api-version.js'
import type { Transport } from './transport.js'

/** The API choice as write and delete APIs see it. */
export interface ApiSelection {
  /** What the client was told: an API, or 'auto'. */
  readonly chosen: ApiVersionOption
  /** The API in use, or undefined while 'auto' has not asked the server yet. */
  readonly known: ApiVersion | undefined
  /** The API in use, asking `/ping` first when needed. */
  resolve(signal?: AbortSignal): Promise<ApiVersion>
  /** The API and the request's `api` field, resolved. */
  requestApi(signal?: AbortSignal): Promise<{ version: ApiVersion; chosen: ApiVersionOption }>
}

/** Holds the choice and, for 'auto', the one `/ping` that decides it. */
export class ApiSelector implements ApiSelection {
  readonly chosen: ApiVersionOption
  #identity: ServerIdentity | undefined
  #asking: Promise<ServerIdentity> | undefined
  readonly #transport: Transport

  constructor(chosen: ApiVersionOption, transport: Transport) {
    this.chosen = chosen
    this.#transport = transport
  }

  get known(): ApiVersion | undefined {
    return this.chosen === 'auto' ? this.#identity?.apiVersion : this.chosen
  }

  /** What `/ping` said, once asked (by 'auto', `ping()` or `version()`). */
  get identity(): ServerIdentity | undefined {
    return this.#identity
  }

  /** Remembers what a `/ping` answered, whoever asked. */
  noteIdentity(identity: ServerIdentity): void {
    this.#identity = identity
  }

  async resolve(signal?: AbortSignal): Promise<ApiVersion> {
    if (this.chosen !== 'auto') return this.chosen
    if (this.#identity !== undefined) return this.#identity.apiVersion
    this.#asking ??= this.#ask(signal).finally(() => {
      this.#asking = undefined
    })
    return (await this.#asking).apiVersion
  }

  async requestApi(signal?: AbortSignal): Promise<{ version: ApiVersion; chosen: ApiVersionOption }> {
    return { version: await this.resolve(signal), chosen: this.chosen }
  }

  async #ask(signal: AbortSignal | undefined): Promise<ServerIdentity> {
    let identity: ServerIdentity
    try {
      // With the token: InfluxDB 3 answers /ping only to an authenticated request unless told otherwise.
      const response = await this.#transport.request({
        method: 'GET',
        path: '/ping',
        withoutSession: true,
        readSuccessBody: true,
        ...(signal !== undefined ? { signal } : {}),
      })
      identity = identifyServer(response.status, response.headers, response.body)
    } catch (error) {
      if (!(error instanceof InfluxDBError) || error.statusCode >= 500) throw noteAuto(error)
      // InfluxDB 3's 401 carries no version header; 1.x's (ping-auth-enabled) does.
      if (error.statusCode === 401 || error.statusCode === 403) {
        const said = identifyServer(error.statusCode, error.headers, '')
        if (said.serverVersion === undefined)
          throw noteAuto(error, 'it needs a token that may read /ping (InfluxDB 3), or set apiVersion')
        identity = said
      } else {
        // Not an InfluxDB /ping at all: most InfluxDB-compatible servers take the v2 API.
        identity = { apiVersion: 'v2', serverVersion: undefined, build: undefined }
      }
    }
    this.#identity = identity
    return identity
  }
}

function noteAuto(error: unknown, advice?: string): unknown {
  if (error instanceof Error)
    error.message = `apiVersion 'auto' could not ask GET /ping which API to use: ${error.message}${advice === undefined ? '' : ` (${advice})`}`
  return error
}
