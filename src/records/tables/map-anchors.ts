/**
 * One instance of each class on the hot path of the table serialiser, kept for the life of
 * the process.
 *
 * Why: V8 reaches an instance's final shape (its map) by adding fields one by one from the
 * class's initial map, and holds those transitions only weakly. Once every instance of a class
 * is garbage, such as between two write() calls, a full collection frees the map and throws
 * away all optimised code that was specialised on it (`node --trace-deopt`: "marking dependent
 * code … for deoptimization, reason: weak objects"). The next table then runs unoptimised until
 * the code is compiled again. Measured on the 1M-row benchmark table after a forced gc():
 * about 300 ns per row for the first million rows instead of about 190.
 */
import { LineWriter } from '../../line-protocol/line-writer.js'
import { DictionaryTexts } from './dictionary-texts.js'
import { FieldCells } from './field-cells.js'
import { LineHeads } from './line-heads.js'
import { TagCells } from './tag-cells.js'
import { TimeCells } from './time-cells.js'
import { EncodedText, NearbyInt64Writer } from './write-bytes.js'

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

/** Keeps `instance`, and so its class's map, alive for the life of the process. */
export function keepMapAlive(instance: object): void {
  anchors.push(instance)
}
