/**
 * Default tags merged into a point's sorted tags as its line is written: the point's own tag of
 * a key wins. The write paths pass one frozen object for a whole call, escaped and sorted once.
 */
import { writeEncoded } from './encoded-text.js'
import { escapeKey, escapeTagKey } from './escape.js'
import type { KeyPrefix } from './key-prefix.js'
import type { LineWriter } from './line-writer.js'
import { TAG_SLOTS } from './point-entries.js'
import { ownValue } from '../own-keys.js'

const COMMA = 44

// Only a frozen object can be remembered by identity; a caller's own object may change between two calls.
const compiledDefaults = new WeakMap<object, readonly string[]>()
let lastDefaultTags: object | undefined
let lastCompiledDefaults: readonly string[] = []

/** `[key, escaped pair, …]` sorted by key. Throws `TypeError` for a tag that cannot be written. */
export function compileDefaultTags(defaultTags: Readonly<Record<string, string>>): readonly string[] {
  // Every point of a write call passes the same object: a pointer compare skips the WeakMap.
  if (defaultTags === lastDefaultTags) return lastCompiledDefaults
  if (!Object.isFrozen(defaultTags)) return escapeDefaultTags(defaultTags)
  let compiled = compiledDefaults.get(defaultTags)
  if (compiled === undefined) {
    compiled = escapeDefaultTags(defaultTags)
    compiledDefaults.set(defaultTags, compiled)
  }
  lastDefaultTags = defaultTags
  lastCompiledDefaults = compiled
  return compiled
}

function escapeDefaultTags(defaultTags: Readonly<Record<string, string>>): string[] {
  const entries: string[] = []
  for (const key of Object.keys(defaultTags).sort()) {
    const value = ownValue(defaultTags, key)
    if (key === '' || typeof value !== 'string' || value === '') continue
    try {
      entries.push(key, `${escapeTagKey(key)}=${escapeKey(value)}`)
    } catch (error) {
      throw new TypeError(`default tag ${JSON.stringify(key)}: ${(error as Error).message}`, { cause: error })
    }
  }
  return entries
}

/** `,k=v` of a point's tags (entries up to `tagEnd`) merged with compiled default tags. */
export function mergedTagText(tags: readonly unknown[], tagEnd: number, defaults: readonly string[]): string {
  let text = ''
  let j = 0
  for (let i = 0; i < tagEnd; i += TAG_SLOTS) {
    const prefix = tags[i] as KeyPrefix
    const key = prefix.key
    for (; j < defaults.length && defaults[j] < key; j += 2) text += ',' + defaults[j + 1]
    if (j < defaults.length && defaults[j] === key) j += 2
    text += prefix.text + (tags[i + 1] as string)
  }
  for (; j < defaults.length; j += 2) text += ',' + defaults[j + 1]
  return text
}

/** Writes what {@link mergedTagText} returns, as bytes. */
export function writeMergedTags(
  writer: LineWriter,
  tags: readonly unknown[],
  tagEnd: number,
  defaults: readonly string[],
): void {
  let j = 0
  for (let i = 0; i < tagEnd; i += TAG_SLOTS) {
    const prefix = tags[i] as KeyPrefix
    const key = prefix.key
    while (j < defaults.length && defaults[j] < key) {
      writer.byte(COMMA)
      writer.text(defaults[j + 1])
      j += 2
    }
    if (j < defaults.length && defaults[j] === key) j += 2
    writeEncoded(writer, prefix)
    writer.text(tags[i + 1] as string)
  }
  for (; j < defaults.length; j += 2) {
    writer.byte(COMMA)
    writer.text(defaults[j + 1])
  }
}
