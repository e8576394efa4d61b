// Shared by the spool tests: temporary directories, records made of numbered lines, reading a
// spool to its end.
import { tempDir as scratchDir } from '../support/temp-dir.js'
import { encodeLines, decodeLines } from '../../src/records/line-chunk.js'
import type { WritePrecision } from '../../src/line-protocol/precision.js'
import type { Spool, SpooledRecord } from '../../src/spool/spool.js'

/** A temporary directory (see test/support/temp-dir.ts), named for the spool tests by default. */
export function tempDir(prefix = 'spool-'): { dir: string; [Symbol.dispose](): void } {
  return scratchDir(prefix)
}

/** Lines `m,k=<tag> v=<i>i <i>` for i in [from, to). */
export function lines(from: number, to: number, tag = 'a'): string[] {
  const out: string[] = []
  for (let i = from; i < to; i++) out.push(`m,k=${tag} v=${i}i ${i}`)
  return out
}

export function appendLines(spool: Spool, text: readonly string[], precision: WritePrecision = 'ns'): void {
  const { body, ends } = encodeLines(text)
  spool.append(precision, body, ends)
}

export interface ReadBack {
  precision: WritePrecision
  lines: string[]
  seq: number
}

export function decodeRecord(record: SpooledRecord): ReadBack {
  return { precision: record.precision, lines: decodeLines(record.body, record.ends), seq: record.seq }
}

/** Every record readable now. */
export function readAll(spool: Spool): ReadBack[] {
  const out: ReadBack[] = []
  for (let r = spool.read(); r !== undefined; r = spool.read()) out.push(decodeRecord(r))
  return out
}
