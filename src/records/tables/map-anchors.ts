/**
 * One instance of each class on the hot path of the table serialiser, kept for the life of
 * the process (why: see `src/map-anchors.ts`; docs/performance.md has its effect on the table
 * benchmark).
 */
import { LineWriter } from '../../line-protocol/line-writer.js'
import { keepMapAlive } from '../../map-anchors.js'
import { DictionaryTexts } from './dictionary-texts.js'
import { FieldCells } from './field-cells.js'
import { LineHeads } from './line-heads.js'
import { TagCells } from './tag-cells.js'
import { TimeCells } from './time-cells.js'
import { EncodedText, NearbyInt64Writer } from './write-bytes.js'

/** Called once, by keepTableMapsAlive (tables/index.ts). */
export function keepTableWriterMapsAlive(): void {
  const text = new EncodedText('')
  const anchors: object[] = [
    text,
    new LineWriter(0),
    new DictionaryTexts(),
    new FieldCells('', ',=', 'float'),
    TagCells.column('', ',='),
    TagCells.constant('', ','),
    new TimeCells('', 'ns', undefined),
    new LineHeads(text, []),
    new NearbyInt64Writer(),
  ]

  for (const anchor of anchors) keepMapAlive(anchor)
}
