/**
 * Client settings from a config file: INI (`[influx2]` and `[tags]` sections), the TOML subset
 * (the same tables) or JSON (a flat object with a `tags` object). The format comes from the
 * extension (`.ini`/`.cfg`/`.conf`, `.toml`, `.json`), else from the content.
 */
import { InvalidArgumentError } from '../errors.js'
import { parseSections, type Sections, type SettingValue } from './ini.js'
import { applySettings, loadFs, SETTING_KEYS, type ClientSettings } from './settings.js'

/** Options of `InfluxDBClientAsync.fromConfigFile()`. */
export interface ConfigFileOptions {
  /** The section (table, or JSON member) with the client settings. Default `influx2`. */
  section?: string
}

/** The config formats. */
export type ConfigFormat = 'ini' | 'toml' | 'json'

/** Reads and parses a config file. Throws {@link InvalidArgumentError} naming the file. */
export function settingsFromFile(path: string, options: ConfigFileOptions = {}): ClientSettings {
  let text: string
  try {
    text = loadFs().readFileSync(path, 'utf8')
  } catch (error) {
    if (error instanceof InvalidArgumentError) throw error
    throw new InvalidArgumentError(`cannot read config file ${JSON.stringify(path)}: ${(error as Error).message}`, {
      cause: error,
    })
  }
  return settingsFromText(text, configFormat(path, text), path, options)
}

/** Picks the format from the extension, else from the content. */
export function configFormat(path: string, text: string): ConfigFormat {
  const extension = /\.([^./\\]+)$/.exec(path)?.[1]?.toLowerCase()
  if (extension === 'json') return 'json'
  if (extension === 'toml') return 'toml'
  if (extension === 'ini' || extension === 'cfg' || extension === 'conf') return 'ini'
  const start = text.trimStart()
  if (start.startsWith('{')) return 'json'
  // TOML values are typed (strings are quoted); a file that is not valid TOML is read as INI.
  try {
    parseSections(text, 'toml')
    return 'toml'
  } catch {
    return 'ini'
  }
}

/** Parses config text in a known format. */
export function settingsFromText(
  text: string,
  format: ConfigFormat,
  source: string,
  options: ConfigFileOptions = {},
): ClientSettings {
  const section = options.section ?? 'influx2'
  const sections =
    format === 'json' ? sectionsFromJson(text, source, section) : parseSections(text, format, source, SETTING_KEYS)
  const main = sections.get(section)
  if (main === undefined) throw new InvalidArgumentError(`${source}: no [${section}] section`)
  const settings = applySettings({}, main, (key) => `${source}: ${format === 'json' ? '' : `[${section}] `}${key}`)
  const tags = sections.get('tags')
  if (tags !== undefined && Object.keys(tags).length > 0) {
    settings.defaultTags = Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, String(v)]))
  }
  return settings
}

function sectionsFromJson(text: string, source: string, section: string): Sections {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    // The parser's own message quotes the text around the error, which may be the token: only
    // the position is kept, and the parser's error is not attached.
    throw new InvalidArgumentError(
      `${source}: invalid JSON${jsonErrorPosition(text, (error as Error).message)} (the text is not shown: it may hold a secret)`,
    )
  }
  if (!isPlainObject(value)) throw new InvalidArgumentError(`${source}: expected a JSON object`)
  // Flat, as InfluxDB's Python client reads it; a member named like the section is accepted too.
  const nested = ownMember(value, section)
  const main = isPlainObject(nested) ? nested : value
  const mainTags = ownMember(main, 'tags')
  const topTags = ownMember(value, 'tags')
  const tags = isPlainObject(mainTags) ? mainTags : isPlainObject(topTags) ? topTags : undefined
  const sections: Sections = new Map([[section, scalars(main, source)]])
  if (tags !== undefined) sections.set('tags', scalars(tags, `${source}: tags`))
  return sections
}

function ownMember(object: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined
}

/** ` at line L column C` from the parser's `position N`, or nothing when it gave none. */
function jsonErrorPosition(text: string, message: string): string {
  const position = /\bposition (\d+)/.exec(message)?.[1]
  if (position === undefined) return ''
  const before = text.slice(0, Number(position))
  const line = before.split('\n').length
  return ` at line ${line} column ${before.length - before.lastIndexOf('\n')}`
}

function scalars(object: Record<string, unknown>, source: string): Record<string, SettingValue> {
  const out = Object.create(null) as Record<string, SettingValue>
  for (const [key, value] of Object.entries(object)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[key] = value
    else if (value !== null && key !== 'tags' && typeof value !== 'object')
      throw new InvalidArgumentError(`${source}: ${key} must be a string, number or boolean`)
  }
  return out
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
