// A small model of how InfluxDB 1.x/2.x (Go, models/points.go) reads one line back into names and
// values: the scanners' notion of "escaped" and the unescaping each element gets. Used only to
// check that what the client writes is stored as the user gave it.
//   measurement: ends at a ',' or ' ' not preceded by '\'; escape.Unescape (\, \" \  \= in one pass)
//   tag key/value: ends at '=' / ',' or ' ' not preceded by '\'; \, then \  then \= replaced in turn
//   field section: a '\' skips the next byte; keys get escape.Unescape, strings \\ and \"

export interface ParsedLine {
  measurement: string
  tags: [string, string][]
  fields: [string, string][]
  timestamp: string | undefined
}

export function parseGoLine(line: string): ParsedLine {
  let i = 0
  const start = i
  while (i < line.length && !((line[i] === ',' || line[i] === ' ') && line[i - 1] !== '\\')) i++
  const measurement = unescapeSequential(line.slice(start, i), [',', '"', ' ', '='])
  const tags: [string, string][] = []
  while (line[i] === ',') {
    i++
    const keyStart = i
    while (i < line.length && !(line[i] === '=' && line[i - 1] !== '\\')) i++
    const key = line.slice(keyStart, i)
    i++
    const valueStart = i
    while (i < line.length && !((line[i] === ',' || line[i] === ' ') && line[i - 1] !== '\\')) i++
    tags.push([unescapeTag(key), unescapeTag(line.slice(valueStart, i))])
  }
  if (line[i] !== ' ') throw new Error(`no field section in ${JSON.stringify(line)}`)
  i++
  const fields: [string, string][] = []
  for (;;) {
    const keyStart = i
    while (i < line.length && line[i] !== '=') i += line[i] === '\\' ? 2 : 1
    const key = unescapeSequential(line.slice(keyStart, i), [',', '"', ' ', '='])
    i++
    const valueStart = i
    if (line[i] === '"') {
      i++
      while (i < line.length && line[i] !== '"') i += line[i] === '\\' ? 2 : 1
      i++
      fields.push([key, unescapeStringField(line.slice(valueStart + 1, i - 1))])
    } else {
      while (i < line.length && line[i] !== ',' && line[i] !== ' ') i++
      fields.push([key, line.slice(valueStart, i)])
    }
    if (line[i] !== ',') break
    i++
  }
  const timestamp = line[i] === ' ' ? line.slice(i + 1) : undefined
  return { measurement, tags, fields, timestamp }
}

/** escape.Unescape: one left-to-right pass over `\x` pairs for the given x. */
function unescapeSequential(text: string, chars: string[]): string {
  let out = ''
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\' && i + 1 < text.length && chars.includes(text[i + 1])) {
      out += text[i + 1]
      i++
    } else out += text[i]
  }
  return out
}

/** models.unescapeTag: bytes.Replace of `\,`, then `\ `, then `\=`. */
function unescapeTag(text: string): string {
  return text.split('\\,').join(',').split('\\ ').join(' ').split('\\=').join('=')
}

/** models.unescapeStringField: `\\` → `\` and `\"` → `"` in one pass. */
function unescapeStringField(text: string): string {
  return unescapeSequential(text, ['\\', '"'])
}
