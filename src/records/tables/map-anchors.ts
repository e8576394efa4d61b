/**
 * One instance of each class on the hot path of the table serialiser, kept for the life of
 * the process (why: see `src/map-anchors.ts`). Measured on the 1M-row benchmark table after a
 * forced gc(): about 300 ns per row for the first million rows instead of about 190.
 */
import { LineWriter } from '../../line-protocol/line-writer.js'
import { keepMapAlive } from '../../map-anchors.js'
import { DictionaryTexts } from './dictionary-texts.js'
import { FieldCells } from './field-cells.js'
import { LineHeads } from './line-heads.js'
import { TagCells } from './tag-cells.js'
import { TimeCells } from './time-cells.js'
import { EncodedText, NearbyInt64Writer } from './write-bytes.js'

const text = new EncodedText('')

// Re-exported so that the modules that anchor their own classes import this module, and its
// anchors are never dropped as an unused side-effect import (the package says sideEffects: false).
export { keepMapAlive }

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
