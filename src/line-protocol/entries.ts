/**
 * A Point's tag set and field set, kept as finished line-protocol text, sorted by key:
 * tags as `,k=v,k=v` (each entry with its comma, appended right after the measurement) and
 * fields as `k=v,k=v`. Setting keys in ascending order is a plain append to that text; the
 * first out-of-order key, replaced key or removal moves the set to a flat sorted list
 * `[key, pair, …]` (splitting the text back into entries), which is joined when the line is made.
 *
 * Splitting is exact because of the escaping rule (escape.ts): a name never holds a backslash
 * before `,`, `=`, space or `"`, so every `\` in a name starts a two-character pair, and every
 * `,` or `=` outside such a pair (and outside a quoted string value) is a delimiter.
 */

/** Which of the two sets a text holds. */
export type EntrySet = 'tags' | 'fields'

/** One `key=value` entry: the key as the user gave it, and the escaped pair. */
export interface Entry {
  key: string
  pair: string
  /** Index in `pair` where the value starts (after the `=`). */
  valueStart: number
}

const BACKSLASH = 92
const QUOTE = 34
const COMMA = 44
const EQUALS = 61

/** Splits a tag or field text back into its entries. */
export function parseEntries(text: string, set: EntrySet): Entry[] {
  const entries: Entry[] = []
  const length = text.length
  let i = set === 'tags' ? 1 : 0
  while (i < length) {
    const start = i
    while (i < length && text.charCodeAt(i) !== EQUALS) i += text.charCodeAt(i) === BACKSLASH ? 2 : 1
    const keyEnd = i
    i++
    if (set === 'fields' && text.charCodeAt(i) === QUOTE) {
      i++
      while (i < length && text.charCodeAt(i) !== QUOTE) i += text.charCodeAt(i) === BACKSLASH ? 2 : 1
      i++
    } else {
      while (i < length && text.charCodeAt(i) !== COMMA) i += text.charCodeAt(i) === BACKSLASH ? 2 : 1
    }
    entries.push({ key: unescapeName(text.slice(start, keyEnd)), pair: text.slice(start, i), valueStart: keyEnd - start + 1 })
    i++ // the comma between entries
  }
  return entries
}

/**
 * The entries of a text as a flat sorted list `[key, pair, key, pair, …]`, for the slow path.
 * With one entry, its key is already known and nothing needs parsing.
 */
export function listFromText(text: string, set: EntrySet, count: number, lastKey: string): string[] {
  if (count === 0) return []
  if (count === 1) return [lastKey, set === 'tags' ? text.slice(1) : text]
  const list: string[] = []
  for (const entry of parseEntries(text, set)) list.push(entry.key, entry.pair)
  return list
}

/** Inserts `pair` for `key` at its sorted place in a flat list, or replaces that key's pair. */
export function insertIntoList(list: string[], key: string, pair: string): void {
  let i = list.length
  // Keys mostly arrive in order: walk back from the end.
  while (i > 0 && (list[i - 2] as string) > key) i -= 2
  if (i > 0 && list[i - 2] === key) list[i - 1] = pair
  else list.splice(i, 0, key, pair)
}

/** Removes `key` from a flat list, if present. */
export function removeFromList(list: string[], key: string): void {
  for (let i = 0; i < list.length; i += 2) {
    if (list[i] === key) {
      list.splice(i, 2)
      return
    }
  }
}

/** A flat list back to text: `,k=v,k=v` for tags, `k=v,k=v` for fields. */
export function textFromList(list: readonly string[], set: EntrySet): string {
  let text = ''
  for (let i = 1; i < list.length; i += 2) {
    const pair = list[i] as string
    text += set === 'tags' || i > 1 ? ',' + pair : pair
  }
  return text
}

/** Undoes escapeKey: every `\,`, `\=` and `\ ` in an escaped name is an escape (see above). */
export function unescapeName(escaped: string): string {
  return escaped.includes('\\') ? escaped.replace(/\\([,= ])/g, '$1') : escaped
}

/** The value text of an entry: unescaped for a tag, as written (quoted, suffixed) for a field. */
export function entryValue(entry: Entry, set: EntrySet): string {
  const raw = entry.pair.slice(entry.valueStart)
  return set === 'tags' ? unescapeName(raw) : raw
}
