/**
 * A Point's tag set and field set, kept as finished line-protocol text sorted by key: tags as
 * `,k=v,k=v` (appended right after the measurement) and fields as `k=v,k=v`. Serialising is
 * then concatenation only, and a point holds no array at all.
 *
 * Setting keys in ascending order is a plain append (done by the Point). An out-of-order key,
 * a replaced key or a removal scans the text for the place, in place and without allocating
 * until the new text is cut and joined.
 *
 * Scanning is exact because of the escaping rule (escape.ts): a name never holds a backslash
 * before `,`, `=`, space or `"`, so every `\` in a name starts a two-character pair, and a `,`
 * or `=` outside such a pair (and, in fields, outside a quoted string value) is a delimiter.
 */

/** Which of the two sets a text holds. */
export type EntrySet = 'tags' | 'fields'

const BACKSLASH = 92
const QUOTE = 34
const COMMA = 44
const EQUALS = 61

// Results of scanEntry(), kept in module variables so that scanning allocates nothing.
let keyStart = 0
let keyEnd = 0
let entryEnd = 0
let keyHasEscape = false

/**
 * Scans the entry whose separator is at `start` (-1 for the first field, which has none);
 * sets keyStart, keyEnd, entryEnd, keyHasEscape.
 */
function scanEntry(text: string, set: EntrySet, start: number): void {
  // Locals, written back once: the module variables are context slots, slow in a hot loop.
  const length = text.length
  let i = start + 1
  const from = i
  let escaped = false
  for (; i < length; i++) {
    const c = text.charCodeAt(i)
    if (c === EQUALS) break
    if (c === BACKSLASH) {
      escaped = true
      i++
    }
  }
  keyStart = from
  keyEnd = i
  keyHasEscape = escaped
  i++
  if (set === 'fields' && text.charCodeAt(i) === QUOTE) {
    for (i++; i < length; i++) {
      const c = text.charCodeAt(i)
      if (c === QUOTE) break
      if (c === BACKSLASH) i++
    }
    i++
  } else {
    for (; i < length; i++) {
      const c = text.charCodeAt(i)
      if (c === COMMA) break
      if (c === BACKSLASH) i++
    }
  }
  entryEnd = i
}

/** Compares the key of the entry just scanned with `key`, in UTF-16 code-unit order. */
function compareScannedKey(text: string, key: string): number {
  if (keyHasEscape) {
    const own = unescapeName(text.slice(keyStart, keyEnd))
    return own < key ? -1 : own > key ? 1 : 0
  }
  const ownLength = keyEnd - keyStart
  const common = Math.min(ownLength, key.length)
  for (let k = 0; k < common; k++) {
    const difference = text.charCodeAt(keyStart + k) - key.charCodeAt(k)
    if (difference !== 0) return difference
  }
  return ownLength - key.length
}

// Where locate() stopped: the end of the entry found, and whether its key is the one sought.
let locatedEnd = 0
let locatedEqual = false

/** Where the first entry of a non-empty text starts, counting its separator. */
function firstEntry(set: EntrySet): number {
  return set === 'tags' ? 0 : -1
}

/** The separator index of the first entry whose key is >= `key`, or `text.length`. */
function locate(text: string, set: EntrySet, key: string): number {
  let i = text === '' ? 0 : firstEntry(set)
  while (i < text.length) {
    scanEntry(text, set, i)
    const order = compareScannedKey(text, key)
    if (order >= 0) {
      locatedEnd = entryEnd
      locatedEqual = order === 0
      return i
    }
    i = entryEnd
  }
  locatedEnd = text.length
  locatedEqual = false
  return text.length
}

/** The text with `pair` for `key` inserted at its sorted place, or replacing that key's pair. */
export function upsertEntry(text: string, set: EntrySet, key: string, pair: string): string {
  const at = locate(text, set, key)
  // A field first in the set has no comma before it.
  const separated = at < 0 || (set === 'fields' && text === '') ? pair : ',' + pair
  const before = at < 0 ? '' : text.slice(0, at)
  if (locatedEqual) return before + separated + text.slice(locatedEnd)
  if (at < 0) return pair + ',' + text
  return before + separated + text.slice(at)
}

/** True when the last {@link upsertEntry} replaced a pair rather than inserting one. */
export function lastUpsertReplaced(): boolean {
  return locatedEqual
}

/** The text without the entry of `key` (unchanged when there is none). */
export function removeEntry(text: string, set: EntrySet, key: string): string {
  const at = locate(text, set, key)
  if (!locatedEqual) return text
  const rest = text.slice(locatedEnd)
  // The field that becomes first loses its comma.
  if (at < 0) return rest === '' ? '' : rest.slice(1)
  return text.slice(0, at) + rest
}

/** The smallest and the largest key of a text (both '' when it is empty). */
export function keyRange(text: string, set: EntrySet): [first: string, last: string] {
  if (text === '') return ['', '']
  scanEntry(text, set, firstEntry(set))
  const first = unescapeName(text.slice(keyStart, keyEnd))
  let last = first
  for (let i = entryEnd; i < text.length; i = entryEnd) {
    scanEntry(text, set, i)
    last = unescapeName(text.slice(keyStart, keyEnd))
  }
  return [first, last]
}

/** The first and the last entry of a text as written, without separators (both '' when it is empty). */
export function edgeEntries(text: string, set: EntrySet): [first: string, last: string] {
  if (text === '') return ['', '']
  let start = firstEntry(set)
  scanEntry(text, set, start)
  const first = text.slice(start + 1, entryEnd)
  for (let i = entryEnd; i < text.length; i = entryEnd) {
    start = i
    scanEntry(text, set, i)
  }
  return [first, text.slice(start + 1, entryEnd)]
}

/** Every entry as [key as given, value text]: unescaped for tags, as written for fields. */
export function entriesOf(text: string, set: EntrySet): [string, string][] {
  const entries: [string, string][] = []
  for (let i = text === '' ? 0 : firstEntry(set); i < text.length; i = entryEnd) {
    scanEntry(text, set, i)
    const value = text.slice(keyEnd + 1, entryEnd)
    entries.push([unescapeName(text.slice(keyStart, keyEnd)), set === 'tags' ? unescapeName(value) : value])
  }
  return entries
}

/**
 * Tag text merged with default tags (`[key, escaped pair, …]`, sorted): a default tag is added
 * where the text has no tag of that key; the text's own tag wins.
 */
export function mergeTags(text: string, defaults: readonly string[]): string {
  let merged = ''
  let copiedUpTo = 0
  let j = 0
  for (let i = 0; i < text.length && j < defaults.length; ) {
    scanEntry(text, 'tags', i)
    const order = compareScannedKey(text, defaults[j] as string)
    if (order > 0) {
      merged += text.slice(copiedUpTo, i) + ',' + (defaults[j + 1] as string)
      copiedUpTo = i
      j += 2
      continue
    }
    if (order === 0) j += 2
    i = entryEnd
  }
  merged += text.slice(copiedUpTo)
  for (; j < defaults.length; j += 2) merged += ',' + (defaults[j + 1] as string)
  return merged
}

/** Undoes escapeKey: every `\,`, `\=` and `\ ` in an escaped name is an escape (see above). */
export function unescapeName(escaped: string): string {
  return escaped.includes('\\') ? escaped.replace(/\\([,= ])/g, '$1') : escaped
}
