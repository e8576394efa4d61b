/**
 * A point's entries (point-entries.ts) written as one line of line protocol: as bytes into a
 * LineWriter (the path to the wire), or as a string (`toLineProtocol()`).
 */
import { writeEncoded } from './encoded-text.js'
import type { KeyPrefix } from './key-prefix.js'
import type { LineWriter } from './line-writer.js'
import { encodedName } from './measurement-name.js'
import { mergedTagText, writeMergedTags } from './default-tag-merge.js'
import { BOOLEAN, FIELD_SLOTS, FLOAT, INTEGER, TAG_SLOTS, fieldValueText, type FieldKind } from './point-entries.js'

const SPACE = 32
const LETTER_I = 105

/**
 * Writes the line of a point with at least one field, from `beginLine` to `endLine`.
 * `defaults` are compiled default tags (`[]` for none); `time` is already in the write's
 * precision and range-checked. Nothing here throws.
 */
export function writePointEntries(
  writer: LineWriter,
  escapedName: string,
  entries: readonly unknown[],
  tagEnd: number,
  defaults: readonly string[] | undefined,
  time: bigint | number | string | undefined,
): void {
  writer.beginLine()
  writeEncoded(writer, encodedName(escapedName))
  if (defaults !== undefined && defaults.length > 0) writeMergedTags(writer, entries, tagEnd, defaults)
  else {
    for (let i = 0; i < tagEnd; i += TAG_SLOTS) {
      writeEncoded(writer, entries[i] as KeyPrefix)
      writer.text(entries[i + 1] as string)
    }
  }
  // Every field is written after a comma (its prefix's bytes start with one); the first comma
  // then becomes the space that ends the tags: no separator to decide per field.
  const fieldsStart = writer.length
  for (let i = tagEnd; i < entries.length; i += FIELD_SLOTS) {
    const prefix = entries[i] as KeyPrefix
    const value = entries[i + 2]
    switch (entries[i + 1] as FieldKind) {
      case FLOAT:
        writeEncoded(writer, prefix)
        writer.float(value as number)
        break
      case INTEGER:
        writeEncoded(writer, prefix)
        if (typeof value === 'number') writer.integer(value, LETTER_I)
        else {
          writer.bigint(value as bigint)
          writer.byte(LETTER_I)
        }
        break
      case BOOLEAN:
        writeEncoded(writer, prefix.withBoolean(value as boolean))
        break
      default:
        writeEncoded(writer, prefix)
        writer.text(value as string)
    }
  }
  writer.bytes[fieldsStart] = SPACE
  if (time !== undefined) {
    writer.byte(SPACE)
    if (typeof time === 'bigint') writer.timestamp(time)
    else if (typeof time === 'number') writer.integer(time)
    else writer.text(time)
  }
  writer.endLine()
}

/** The line {@link writePointEntries} writes, as a string; `time` as its text. */
export function pointEntriesText(
  escapedName: string,
  entries: readonly unknown[],
  tagEnd: number,
  defaults: readonly string[] | undefined,
  time: string | undefined,
): string {
  // Built by concatenation, not through bytes: V8 joins short strings faster than a
  // decode of the written bytes would cost (measured).
  let line = escapedName
  if (defaults !== undefined && defaults.length > 0) line += mergedTagText(entries, tagEnd, defaults)
  else for (let i = 0; i < tagEnd; i += TAG_SLOTS) line += (entries[i] as KeyPrefix).text + (entries[i + 1] as string)
  line += ' '
  for (let i = tagEnd; i < entries.length; i += FIELD_SLOTS) {
    if (i > tagEnd) line += ','
    line += (entries[i] as KeyPrefix).text + fieldValueText(entries[i + 1] as FieldKind, entries[i + 2])
  }
  return time === undefined ? line : line + ' ' + time
}
