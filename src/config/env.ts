/**
 * Client settings from `INFLUXDB_V2_*` environment variables. Unlike the reference client there
 * are no placeholder defaults for the token or org: unset stays unset.
 */
import { applySettings, SETTINGS, type ClientSettings } from './settings.js'

const PREFIX = 'INFLUXDB_V2_'
const TAG_PREFIX = 'INFLUXDB_V2_TAG_'

/** The URL used when `INFLUXDB_V2_URL` is not set. */
export const DEFAULT_ENV_URL = 'http://localhost:8086'

/**
 * Reads `INFLUXDB_V2_URL` (default `http://localhost:8086`), `_TOKEN`, `_ORG`, `_TIMEOUT`,
 * `_GZIP`, `_AUTH_BASIC`, `_USERNAME`, `_PASSWORD`, `_VERIFY_SSL`, `_SSL_CA_CERT`, `_CERT_FILE`,
 * `_CERT_KEY_FILE`, `_CONNECTION_POOL_MAXSIZE`, and `INFLUXDB_V2_TAG_<NAME>` as default tag
 * `<name>` (lower-cased).
 */
export function settingsFromEnv(env: Readonly<Record<string, string | undefined>> = globalThis.process?.env ?? {}): ClientSettings {
  const values: Record<string, string> = {}
  for (const key of Object.keys(SETTINGS)) {
    const value = env[PREFIX + key.toUpperCase()]
    if (value !== undefined) values[key] = value
  }
  const settings = applySettings({}, values, (key) => PREFIX + key.toUpperCase())
  settings.url ??= DEFAULT_ENV_URL
  // Built with fromEntries: a tag named `__proto__` is an ordinary key, not the object's prototype.
  const tags: Record<string, string> = Object.fromEntries(
    Object.entries(env)
      .filter((entry): entry is [string, string] => entry[0].startsWith(TAG_PREFIX) && entry[0].length > TAG_PREFIX.length && entry[1] !== undefined)
      .map(([name, value]) => [name.slice(TAG_PREFIX.length).toLowerCase(), value]),
  )
  if (Object.keys(tags).length > 0) settings.defaultTags = tags
  return settings
}
