/**
 * InfluxDBClientAsync: holds the connection settings and hands out write and delete APIs.
 * Every client owns its own connection pool and a copy of its options; nothing is shared.
 */
import { ClosedError, InvalidArgumentError } from './errors.js'
import { settingsFromEnv } from './config/env.js'
import { settingsFromFile, type ConfigFileOptions } from './config/file.js'
import type { ClientSettings } from './config/settings.js'
import { DeleteApiAsync } from './delete/delete-api.js'
import { ApiSelector } from './http/api-selector.js'
import { checkApiVersionOption, identifyServer, type ApiVersion, type ApiVersionOption } from './http/api-version.js'
import { RetryPolicy } from './http/retry.js'
import { Transport } from './http/transport.js'
import { resolveDefaultTags, type DefaultTagValue } from './line-protocol/default-tags.js'
import type { ClientOptions } from './options.js'
import { CLIENT_DEFAULTS } from './defaults.js'
import type { OrgInput } from './http/destination.js'
import { PointSettings } from './write/point-settings.js'
import { WriteApiAsync } from './write/write-api.js'

/** Per-call options of `ping()` and `version()`. */
export interface PingOptions {
  /** Aborts the request; the call rejects with `RequestAbortedError`. */
  signal?: AbortSignal
  /** Overrides the client's timeout, ms. */
  timeout?: number
}

/** The async client for the InfluxDB write and delete APIs. */
export class InfluxDBClientAsync implements AsyncDisposable {
  /** The server URL, without a trailing slash. */
  readonly url: string
  /** The default organization for write and delete. */
  readonly org: OrgInput | undefined
  readonly #options: Readonly<ClientOptions>
  readonly #defaultTags: Readonly<Record<string, DefaultTagValue>>
  readonly #transport: Transport
  readonly #api: ApiSelector

  /** See {@link ClientOptions} for every option and its default. */
  constructor(options: ClientOptions) {
    if (typeof options !== 'object' || options === null)
      throw new InvalidArgumentError('InfluxDBClientAsync needs an options object with at least "url"')
    const org = options.org
    if (
      org !== undefined &&
      typeof org !== 'string' &&
      (typeof org !== 'object' || org === null || typeof org.id !== 'string')
    ) {
      throw new InvalidArgumentError('"org" must be a name, an ID or an object with an "id"')
    }
    for (const name of ['enableGzip', 'authBasic'] as const) {
      if (options[name] !== undefined && typeof options[name] !== 'boolean')
        throw new InvalidArgumentError(`"${name}" must be a boolean`)
    }
    if (
      options.retry !== undefined &&
      options.retry !== false &&
      (typeof options.retry !== 'object' || options.retry === null)
    ) {
      throw new InvalidArgumentError('"retry" must be an object of retry settings, or false')
    }
    if (
      options.defaultTags !== undefined &&
      (typeof options.defaultTags !== 'object' || options.defaultTags === null)
    ) {
      throw new InvalidArgumentError('"defaultTags" must be an object of tag names and values')
    }
    this.#defaultTags = Object.freeze({ ...options.defaultTags })
    // Checks the tags now, so a bad one fails at setup rather than at the first write.
    resolveDefaultTags(this.#defaultTags)
    this.#options = Object.freeze({ ...options, defaultTags: this.#defaultTags })
    // Checked now, so a bad retry setting fails at setup rather than at the first write.
    if (options.retry !== undefined && options.retry !== false) new RetryPolicy(options.retry)
    const apiVersion = checkApiVersionOption(options.apiVersion ?? CLIENT_DEFAULTS.apiVersion)
    this.#transport = new Transport(options)
    this.#api = new ApiSelector(apiVersion, this.#transport)
    this.url = this.#transport.url
    this.org = typeof org === 'object' ? Object.freeze({ id: org.id }) : org
  }

  /**
   * A client configured from environment variables. The server, token and org come from the
   * `influx` CLI's `INFLUX_HOST` (or `INFLUX_URL`), `INFLUX_TOKEN` and `INFLUX_ORG` when set and
   * non-empty, else from `INFLUXDB_V2_URL` (default `http://localhost:8086`), `INFLUXDB_V2_TOKEN`
   * and `INFLUXDB_V2_ORG`, the names of InfluxDB's Python client. The rest are `INFLUXDB_V2_*`:
   * `_TIMEOUT`, `_GZIP`, `_AUTH_BASIC`, `_USERNAME`,
   * `_PASSWORD`, `_VERIFY_SSL`, `_SSL_CA_CERT`, `_CERT_FILE`, `_CERT_KEY_FILE`,
   * `_CONNECTION_POOL_MAXSIZE`, and `INFLUXDB_V2_TAG_<NAME>` default tags (`<name>` lower-cased).
   * There are no placeholder token or org defaults. `overrides` win over the environment.
   */
  static fromEnv(overrides: Partial<ClientOptions> = {}): InfluxDBClientAsync {
    return new InfluxDBClientAsync(mergeSettings(settingsFromEnv(), overrides, 'the environment'))
  }

  /**
   * A client configured from a file: INI (`[influx2]` section and a `[tags]` section), TOML (the
   * same tables, typed values) or flat JSON with a `tags` object. The format comes from the
   * extension (`.ini`/`.cfg`/`.conf`, `.toml`, `.json`), else from the content. Keys: `url`
   * (required), `token`, `org`, `timeout`, `gzip`/`enable_gzip`, `auth_basic`, `username`,
   * `password`, `verify_ssl`, `ssl_ca_cert`, `cert_file`, `cert_key_file`,
   * `connection_pool_maxsize`; others are ignored. Booleans: true/yes/1/on, false/no/0/off.
   * Tag values like `${env.NAME}` are resolved when a write API is created. `overrides` win.
   */
  static fromConfigFile(
    path: string,
    overrides: Partial<ClientOptions> = {},
    fileOptions: ConfigFileOptions = {},
  ): InfluxDBClientAsync {
    return new InfluxDBClientAsync(mergeSettings(settingsFromFile(path, fileOptions), overrides, path))
  }

  /** The options this client was built with (a frozen copy). */
  get options(): Readonly<ClientOptions> {
    return this.#options
  }

  /**
   * The API writes and deletes go through: `'v1'`, `'v2'` or `'v3'`. With `apiVersion: 'auto'`,
   * undefined until the server was asked (the first write or delete, or {@link resolveApiVersion}).
   */
  get apiVersion(): ApiVersion | undefined {
    return this.#api.known
  }

  /**
   * The server's version (`X-Influxdb-Version`, or 3.x's `/ping` JSON), once a `/ping` was
   * answered: by `apiVersion: 'auto'`, {@link ping} or {@link version}. Undefined before, or when
   * the server does not say.
   */
  get serverVersion(): string | undefined {
    return this.#api.identity?.serverVersion
  }

  /** The server's build (`OSS`, `Core`, `Enterprise`), known as {@link serverVersion} is. */
  get serverBuild(): string | undefined {
    return this.#api.identity?.build
  }

  /**
   * The API in use; with `apiVersion: 'auto'`, asks `GET /ping` (once per client, with the token)
   * when no answer is known yet. A failed attempt is asked again next time.
   */
  resolveApiVersion(options: { signal?: AbortSignal } = {}): Promise<ApiVersion> {
    this.#throwIfClosed()
    return this.#api.resolve(options.signal)
  }

  /** The `apiVersion` option this client was given (`'auto'` included). */
  get apiVersionOption(): ApiVersionOption {
    return this.#api.chosen
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#transport.closed
  }

  /**
   * A write API. Its default tags are the client's `defaultTags` overlaid by the PointSettings'
   * (or `{ defaultTags }`) with the same key; `${env.NAME}` values are read now. A record's own
   * tag always wins over a default tag.
   */
  writeApi(pointSettings?: PointSettings | { defaultTags?: Readonly<Record<string, DefaultTagValue>> }): WriteApiAsync {
    this.#throwIfClosed()
    const own = pointSettings instanceof PointSettings ? pointSettings.defaultTags : (pointSettings?.defaultTags ?? {})
    return WriteApiAsync.create({
      transport: this.#transport,
      org: this.org,
      defaultTags: resolveDefaultTags({ ...this.#defaultTags, ...own }),
      enableGzip: this.#options.enableGzip ?? CLIENT_DEFAULTS.enableGzip,
      retry: this.#options.retry ?? {},
      api: this.#api,
    })
  }

  /** A delete API. */
  deleteApi(): DeleteApiAsync {
    this.#throwIfClosed()
    return DeleteApiAsync.create({
      transport: this.#transport,
      org: this.org,
      retry: this.#options.retry ?? {},
      api: this.#api,
    })
  }

  /** `GET /ping`: resolves `true` when the server answers 2xx, throws otherwise. Not retried. */
  async ping(options: PingOptions = {}): Promise<true> {
    await this.#ping(options)
    return true
  }

  /** The server's version from the `X-Influxdb-Version` header of `/ping` (or 3.x's JSON answer), or `'unknown'`. */
  async version(options: PingOptions = {}): Promise<string> {
    await this.#ping(options)
    return this.#api.identity?.serverVersion ?? 'unknown'
  }

  /** Signs out of a username/password session and closes pooled connections. Idempotent. */
  close(): Promise<void> {
    return this.#transport.close()
  }

  /** `await using client = …` closes it at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  async #ping(options: PingOptions) {
    const response = await this.#transport.request({
      method: 'GET',
      path: '/ping',
      withoutSession: true,
      // InfluxDB 3 says its version in the body.
      readSuccessBody: true,
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
      ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
    })
    // What the server said about itself is shown as serverVersion; for 'auto' it also decides the API.
    this.#api.noteIdentity(identifyServer(response.status, response.headers, response.body))
    return response
  }

  #throwIfClosed(): void {
    if (this.#transport.closed) throw new ClosedError('the client is closed')
  }
}

function mergeSettings(settings: ClientSettings, overrides: Partial<ClientOptions>, source: string): ClientOptions {
  // An override left undefined (`{ org: process.env.X }` with X unset) keeps the configured value.
  const given = Object.fromEntries(
    Object.entries(overrides ?? {}).filter(([, value]) => value !== undefined),
  ) as Partial<ClientOptions>
  const merged: Partial<ClientOptions> = { ...settings, ...given }
  if (settings.defaultTags !== undefined || overrides.defaultTags !== undefined) {
    merged.defaultTags = { ...settings.defaultTags, ...overrides.defaultTags }
  }
  if (settings.tls !== undefined && overrides.tls !== undefined) merged.tls = { ...settings.tls, ...overrides.tls }
  if (merged.url === undefined) throw new InvalidArgumentError(`${source}: no "url" given`)
  return merged as ClientOptions
}
