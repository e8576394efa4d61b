/**
 * How a Point holds its tags and fields: one array for both, kept sorted by key (UTF-16 code-unit
 * order), every name already checked and escaped and every value in the form that is cheapest to
 * write, so that serialising is one pass of copying into bytes (point-line.ts).
 *
 * First the tags, {@link TAG_SLOTS} slots each (KeyPrefix `,escaped-key=`, escaped value), up to
 * the point's tag end; then the fields, {@link FIELD_SLOTS} slots each (KeyPrefix `escaped-key=`,
 * {@link FieldKind}, value). The key as given is the prefix's `key`. Few slots matter: 2 tags and
 * 3 fields (13 slots) fit in the room V8 gives the array on its first push (16 slots or more), so
 * its storage is allocated once.
 */
import type { KeyPrefix } from './key-prefix.js'
import { firstUnit } from './key-prefix.js'
import { formatFloat } from './values.js'

/** Slots per tag and per field. */
export const TAG_SLOTS = 2
export const FIELD_SLOTS = 3

/** How a field value is held: a float or an integer is written from the number itself. */
export type FieldKind = typeof FLOAT | typeof INTEGER | typeof BOOLEAN | typeof TEXT
export const FLOAT = 0
export const INTEGER = 1
export const BOOLEAN = 2
/** Finished line-protocol text: quoted strings, `u` integers, typed values. */
export const TEXT = 3

// A copy of an empty array, not an `[]` literal. V8 may decide to allocate a literal's arrays
// straight in the old generation ("pretenuring"); a dead old array still points at its young
// values, so every young collection keeps them all, and they are promoted in turn. Measured on
// the serialize benchmark: 2.1-2.3 s per million points in some processes against 0.5 s
// (--trace-gc-nvp: 840 MB promoted against 254). Its one string makes copies start with the
// elements kind that every entries array ends up with, so no transition on the first push.
const NO_ENTRIES: unknown[] = ['']
NO_ENTRIES.pop()

/** A fresh, empty entries array. */
export function newEntries(): unknown[] {
  return NO_ENTRIES.slice()
}

/** A field's value as line-protocol text. */
export function fieldValueText(kind: FieldKind, value: unknown): string {
  switch (kind) {
    case FLOAT:
      return formatFloat(value as number)
    case INTEGER:
      return `${value as number | bigint}i`
    case BOOLEAN:
      return value ? 'true' : 'false'
    default:
      return value as string
  }
}

/**
 * Where `key` goes in the sorted run of entries of `width` slots in `[from, end)`: the index of
 * its entry, or of the first entry with a larger key, or `end`. Keys set in ascending order hit
 * the first test.
 */
export function sortedSlot(entries: readonly unknown[], width: number, key: string, from: number, end: number): number {
  if (end === from) return end
  // Keys mostly differ in their first code unit: comparing those numbers first skips the call
  // into the string comparison.
  const first = firstUnit(key)
  const last = entries[end - width] as KeyPrefix
  if (first !== last.first ? first > last.first : key > last.key) return end
  for (let i = from; i < end; i += width) {
    const prefix = entries[i] as KeyPrefix
    if (first !== prefix.first ? prefix.first > first : prefix.key >= key) return i
  }
  return end
}
