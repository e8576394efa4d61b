/**
 * The settings that config files and environment variables can hold, and how each becomes a
 * client option. One table serves both: file key `timeout` is variable `INFLUXDB_V2_TIMEOUT`.
 */
import { builtinModule } from '../builtin-module.js'
import { InvalidArgumentError } from '../errors.js'
import type { ClientOptions } from '../options.js'
import type { SettingValue } from './ini.js'

/** Options read from a file or the environment (url may still be missing). */
export type ClientSettings = Partial<ClientOptions>

type Apply = (options: ClientSettings, value: SettingValue, where: string) => void

const text =
  (set: (o: ClientSettings, v: string) => void): Apply =>
  (o, v) =>
    set(o, String(v))
const flag =
  (set: (o: ClientSettings, v: boolean) => void): Apply =>
  (o, v, where) =>
    set(o, parseBoolean(v, where))
const positive =
  (set: (o: ClientSettings, v: number) => void): Apply =>
  (o, v, where) =>
    set(o, parsePositiveInteger(v, where))
const file =
  (set: (o: ClientSettings, v: Uint8Array) => void): Apply =>
  (o, v, where) =>
    set(o, readSettingFile(String(v), where))

/** Every recognised setting key (file keys; the environment uses `INFLUXDB_V2_` + upper case). */
export const SETTINGS: Readonly<Record<string, Apply>> = {
  url: text((o, v) => (o.url = v)),
  token: text((o, v) => (o.token = v)),
  org: text((o, v) => (o.org = v)),
  timeout: positive((o, v) => (o.timeout = v)),
  gzip: flag((o, v) => (o.enableGzip = v)),
  enable_gzip: flag((o, v) => (o.enableGzip = v)),
  auth_basic: flag((o, v) => (o.authBasic = v)),
  username: text((o, v) => (o.username = v)),
  password: text((o, v) => (o.password = v)),
  verify_ssl: flag((o, v) => (o.tls = { ...o.tls, rejectUnauthorized: v })),
  ssl_ca_cert: file((o, v) => (o.tls = { ...o.tls, ca: v })),
  cert_file: file((o, v) => (o.tls = { ...o.tls, cert: v })),
  cert_key_file: file((o, v) => (o.tls = { ...o.tls, key: v })),
  connection_pool_maxsize: positive((o, v) => (o.maxSockets = v)),
}

/** The recognised setting keys, lower case. */
export const SETTING_KEYS: ReadonlySet<string> = new Set(Object.keys(SETTINGS))

/**
 * Applies recognised keys of `values` to `options`. Other keys (InfluxDB's Python client's `profilers`,
 * `proxy`, …) are ignored. Empty strings count as unset.
 */
export function applySettings(
  options: ClientSettings,
  values: Readonly<Record<string, SettingValue>>,
  describe: (key: string) => string,
): ClientSettings {
  for (const [key, value] of Object.entries(values)) {
    // Own keys only: a config key named `constructor` or `toString` is not a setting.
    const name = key.toLowerCase()
    if (!SETTING_KEYS.has(name) || value === '') continue
    const apply = SETTINGS[name]
    apply(options, value, describe(key))
  }
  return options
}

/** `true/yes/1/on` and `false/no/0/off`, any case; anything else is an error naming the setting. */
export function parseBoolean(value: SettingValue, where: string): boolean {
  if (typeof value === 'boolean') return value
  const normal = String(value).trim().toLowerCase()
  if (['true', 'yes', '1', 'on'].includes(normal)) return true
  if (['false', 'no', '0', 'off'].includes(normal)) return false
  throw new InvalidArgumentError(`${where}: expected true/false (or yes/no, 1/0, on/off), got ${JSON.stringify(value)}`)
}

function parsePositiveInteger(value: SettingValue, where: string): number {
  const number = typeof value === 'number' ? value : /^\s*\d+\s*$/.test(String(value)) ? Number(value) : NaN
  if (!Number.isSafeInteger(number) || number <= 0)
    throw new InvalidArgumentError(`${where}: expected a positive integer, got ${JSON.stringify(value)}`)
  return number
}

function readSettingFile(path: string, where: string): Uint8Array {
  const fs = loadFs()
  try {
    return fs.readFileSync(path)
  } catch (error) {
    throw new InvalidArgumentError(`${where}: cannot read ${JSON.stringify(path)}: ${(error as Error).message}`, {
      cause: error,
    })
  }
}

/** What this package reads files with: declared here so that its types do not need `@types/node`. */
export interface FileReader {
  readFileSync(path: string): Uint8Array
  readFileSync(path: string, encoding: 'utf8'): string
}

/** node:fs, loaded without a static import so that the package still loads where there is none. */
export function loadFs(): FileReader {
  const fs = builtinModule<FileReader>('node:fs')
  if (fs === undefined) throw new InvalidArgumentError('reading files needs node:fs, which this runtime does not have')
  return fs
}
