/**
 * Client settings from environment variables: the `influx` CLI's `INFLUX_HOST`, `INFLUX_TOKEN` and
 * `INFLUX_ORG`, and the `INFLUXDB_V2_*` names of InfluxDB's Python client. Unlike that client there
 * are no placeholder defaults for the token or org: unset stays unset.
 */
import { applySettings, SETTINGS, type ClientSettings } from './settings.js'

const PREFIX = 'INFLUXDB_V2_'
const TAG_PREFIX = 'INFLUXDB_V2_TAG_'

/** The URL used when no variable sets one. */
export const DEFAULT_ENV_URL = 'http://localhost:8086'

/**
 * The `influx` CLI's names, read before `INFLUXDB_V2_*` (first set and non-empty wins), the same
 * order as the `influx-async` command: one environment reaches one server from both.
 */
export const CLI_ENV_NAMES: Readonly<Record<string, readonly string[]>> = {
  url: ['INFLUX_HOST', 'INFLUX_URL'],
  token: ['INFLUX_TOKEN'],
  org: ['INFLUX_ORG'],
}

/**
 * Reads `INFLUX_HOST`, `INFLUX_URL` or `INFLUXDB_V2_URL` (default `http://localhost:8086`),
 * `INFLUX_TOKEN` or `INFLUXDB_V2_TOKEN`, `INFLUX_ORG` or `INFLUXDB_V2_ORG` (in that order, the first
 * set and non-empty one wins), and `INFLUXDB_V2_TIMEOUT`,
 * `_GZIP`, `_AUTH_BASIC`, `_USERNAME`, `_PASSWORD`, `_VERIFY_SSL`, `_SSL_CA_CERT`, `_CERT_FILE`,
 * `_CERT_KEY_FILE`, `_CONNECTION_POOL_MAXSIZE`, and `INFLUXDB_V2_TAG_<NAME>` as default tag
 * `<name>` (lower-cased).
 */
export function settingsFromEnv(
  env: Readonly<Record<string, string | undefined>> = globalThis.process?.env ?? {},
): ClientSettings {
  const values: Record<string, string> = {}
  const sources: Record<string, string> = {}
  for (const key of Object.keys(SETTINGS)) {
    const name =
      (CLI_ENV_NAMES[key] ?? []).find((n) => env[n] !== undefined && env[n] !== '') ?? PREFIX + key.toUpperCase()
    const value = env[name]
    if (value === undefined) continue
    values[key] = value
    sources[key] = name
  }
  const settings = applySettings({}, values, (key) => sources[key] ?? PREFIX + key.toUpperCase())
  settings.url ??= DEFAULT_ENV_URL
  // Built with fromEntries: a tag named `__proto__` is an ordinary key, not the object's prototype.
  const tags: Record<string, string> = Object.fromEntries(
    Object.entries(env)
      .filter(
        (entry): entry is [string, string] =>
          entry[0].startsWith(TAG_PREFIX) && entry[0].length > TAG_PREFIX.length && entry[1] !== undefined,
      )
      .map(([name, value]) => [name.slice(TAG_PREFIX.length).toLowerCase(), value]),
  )
  if (Object.keys(tags).length > 0) settings.defaultTags = tags
  return settings
}
