/**
 * A small parser for the INI and TOML subsets that client config files use: `[section]`
 * headers, `key = value` lines and comments. INI values are raw text (one pair of surrounding
 * quotes is removed, as the configparser reading of InfluxDB's Python client does); TOML values are strings
 * (basic `"…"` with escapes, literal `'…'`), integers, floats and booleans.
 *
 * A config line may hold a token or a password, so an error names the line and its key, never
 * the text of a value or of a line it cannot read.
 */
import { InvalidArgumentError } from '../errors.js'

/** A scalar setting value. */
export type SettingValue = string | number | boolean

/** Sections by name (`''` holds keys before the first header), each a map of keys to values. */
export type Sections = Map<string, Record<string, SettingValue>>

/**
 * Parses INI (`mode = 'ini'`) or the TOML subset (`mode = 'toml'`). Errors name the file line.
 * `knownKeys` (lower case) lets the error for a line without `=` name the setting it starts with.
 * Each section is a null-prototype object: a key may be named `__proto__` or `constructor`.
 */
export function parseSections(
  text: string,
  mode: 'ini' | 'toml',
  source = 'config',
  knownKeys: ReadonlySet<string> = new Set(),
): Sections {
  const sections: Sections = new Map([['', newSection()]])
  let current = sections.get('')!
  text.split(/\r?\n/).forEach((rawLine, index) => {
    const line = rawLine.trim()
    const where = `${source}:${index + 1}`
    if (line === '' || line.startsWith('#') || (mode === 'ini' && line.startsWith(';'))) return
    const header = /^\[\s*([^\]]+?)\s*\]\s*(?:#.*)?$/.exec(line)
    if (header !== null) {
      const name = unquoteKey(header[1])
      current = sections.get(name) ?? newSection()
      sections.set(name, current)
      return
    }
    const separator = mode === 'ini' ? /[=:]/.exec(line)?.index : line.indexOf('=')
    if (separator === undefined || separator <= 0)
      throw new InvalidArgumentError(`${where}: ${describeLineWithoutSeparator(line, knownKeys)}`)
    const key = unquoteKey(line.slice(0, separator).trim())
    // `token abc==`: the `=` found is the token's own padding, and the key would be `token abc`.
    if (mode === 'ini' && /\s/.test(key) && knownKeys.has(key.split(/\s/, 1)[0].toLowerCase())) {
      throw new InvalidArgumentError(`${where}: ${describeLineWithoutSeparator(key, knownKeys)}`)
    }
    const rawValue = line.slice(separator + 1).trim()
    current[key] =
      mode === 'ini' ? stripQuotes(rawValue) : parseTomlValue(rawValue, `${where}: the value of ${JSON.stringify(key)}`)
  })
  return sections
}

function newSection(): Record<string, SettingValue> {
  return Object.create(null) as Record<string, SettingValue>
}

/** The line's first word is named only when it is a known setting: otherwise it may be the secret itself. */
function describeLineWithoutSeparator(line: string, knownKeys: ReadonlySet<string>): string {
  const first = /^[^\s=:]+/.exec(line)?.[0]
  if (first !== undefined && knownKeys.has(first.toLowerCase()))
    return `expected "${first} = value": "=" is missing after ${JSON.stringify(first)} (the value is not shown)`
  return 'expected "key = value" (the line is not shown: it may hold a secret)'
}

function unquoteKey(key: string): string {
  return stripQuotes(key.trim())
}

function stripQuotes(value: string): string {
  if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0])
    return value.slice(1, -1)
  return value
}

const TOML_ESCAPES: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', '\\': '\\' }

function parseTomlValue(raw: string, where: string): SettingValue {
  if (raw.startsWith('"')) {
    let out = ''
    for (let i = 1; i < raw.length; i++) {
      const c = raw[i]
      if (c === '"') return expectOnlyComment(raw.slice(i + 1), out, where)
      if (c !== '\\') {
        out += c
        continue
      }
      const e = raw[++i]
      if (e === 'u' || e === 'U') {
        const length = e === 'u' ? 4 : 8
        const hex = raw.slice(i + 1, i + 1 + length)
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== length)
          throw new InvalidArgumentError(`${where} has a bad \\${e} escape`)
        out += String.fromCodePoint(parseInt(hex, 16))
        i += length
      } else if (e !== undefined && TOML_ESCAPES[e] !== undefined) {
        out += TOML_ESCAPES[e]
      } else {
        throw new InvalidArgumentError(`${where} has an unknown escape (a backslash must be written \\\\)`)
      }
    }
    throw new InvalidArgumentError(`${where} is an unterminated string`)
  }
  if (raw.startsWith("'")) {
    const end = raw.indexOf("'", 1)
    if (end === -1) throw new InvalidArgumentError(`${where} is an unterminated string`)
    return expectOnlyComment(raw.slice(end + 1), raw.slice(1, end), where)
  }
  const bare = raw.replace(/\s+#.*$/, '')
  if (bare === 'true' || bare === 'false') return bare === 'true'
  if (/^[+-]?\d[\d_]*$/.test(bare)) return Number(bare.replace(/_/g, ''))
  if (/^[+-]?\d[\d_]*(\.\d[\d_]*)?([eE][+-]?\d+)?$/.test(bare)) return Number(bare.replace(/_/g, ''))
  throw new InvalidArgumentError(
    `${where} is not a TOML value this client reads (use a quoted string, a number or true/false; the value is not shown)`,
  )
}

function expectOnlyComment(rest: string, value: string, where: string): string {
  const trimmed = rest.trim()
  if (trimmed !== '' && !trimmed.startsWith('#'))
    throw new InvalidArgumentError(`${where} has text after its closing quote (not shown)`)
  return value
}
