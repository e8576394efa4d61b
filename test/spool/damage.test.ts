// What a crash or a bad disk leaves in a segment: a record cut at every byte offset (torn
// tail) and every single bit flipped. The spool never hands out a damaged record, counts what it
// dropped, and hands out every intact record around it.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Spool } from '../../src/spool/spool.js'
import { segmentName } from '../../src/spool/directory.js'
import { SegmentReader } from '../../src/spool/segment-reader.js'
import type { SpoolFs } from '../../src/spool/fs.js'
import { decodeLines } from '../../src/records/line-chunk.js'
import { readEnds } from '../../src/spool/record-format.js'
import { appendLines, lines, readAll, tempDir } from './helpers.js'

const RECORDS = [lines(0, 2, 'first'), lines(2, 5, 'second'), lines(5, 6, 'third')]

/** The bytes of a segment holding RECORDS, and where each record ends. */
async function segmentBytes(dir: string): Promise<{ bytes: Uint8Array; ends: number[] }> {
  const spool = Spool.open({ directory: dir })
  const ends: number[] = []
  for (const record of RECORDS) {
    appendLines(spool, record)
    await spool.commit(spool.mark())
    ends.push(spool.stats.bytes)
  }
  await spool.close()
  const names = readdirSync(dir).filter((n) => n.startsWith('segment-'))
  assert.equal(names.length, 1)
  const bytes = readFileSync(join(dir, names[0]))
  rmSync(join(dir, names[0]))
  return { bytes, ends }
}

/** Opens a directory holding just `bytes` as its first segment; returns what it reads and counts. */
async function reopen(
  dir: string,
  bytes: Uint8Array,
): Promise<{ read: string[][]; stats: Spool['stats']; size: number }> {
  for (const name of readdirSync(dir)) rmSync(join(dir, name))
  const path = join(dir, segmentName(1))
  writeFileSync(path, bytes)
  const spool = Spool.open({ directory: dir })
  const read = readAll(spool).map((r) => r.lines)
  const stats = spool.stats
  const size = bytes.length === 0 || stats.lines === 0 ? 0 : statSync(path).size
  await spool.close()
  return { read, stats, size }
}

function readSegment(bytes: Uint8Array): { read: string[][]; damage: [string, number, number][] } {
  const fs = {
    readSync: (_fd: number, target: Uint8Array, offset: number, length: number, position: number) => {
      const part = bytes.subarray(position, position + length)
      target.set(part, offset)
      return part.length
    },
  } as unknown as SpoolFs
  const damage: [string, number, number][] = []
  const reader = new SegmentReader(fs, 0, (kind, at, n) => damage.push([kind, at, n]))
  const read: string[][] = []
  for (let r = reader.next(bytes.length, true); r !== undefined; r = reader.next(bytes.length, true)) {
    read.push(decodeLines(reader.buffer.subarray(r.bodyAt, r.bodyAt + r.bodyBytes), readEnds(reader.buffer, r)))
  }
  return { read, damage }
}

describe('spool damage', () => {
  test('a segment cut at every byte offset: whole records come back, the cut one is a torn tail, dropped and cut off the file', async () => {
    using tmp = tempDir()
    const { bytes, ends } = await segmentBytes(tmp.dir)
    assert.equal(ends.at(-1), bytes.length)
    for (let cut = 0; cut <= bytes.length; cut++) {
      const whole = ends.filter((e) => e <= cut).length
      const boundary = whole === 0 ? 0 : ends[whole - 1]
      const { read, stats, size } = await reopen(tmp.dir, bytes.subarray(0, cut))
      assert.deepEqual(read, RECORDS.slice(0, whole), `cut at ${cut}`)
      assert.equal(stats.tornTails, cut === boundary ? 0 : 1, `cut at ${cut}`)
      assert.equal(stats.tornBytes, cut - boundary, `cut at ${cut}`)
      assert.equal(stats.corruptRecords, 0)
      assert.equal(stats.recoveredLines, RECORDS.slice(0, whole).flat().length)
      if (whole > 0) assert.equal(size, boundary, `the torn tail is cut off the file (cut at ${cut})`)
    }
  })

  test('every single bit flipped: the damaged record is skipped and counted, the others come back, nothing else is read', async () => {
    using tmp = tempDir()
    const { bytes, ends } = await segmentBytes(tmp.dir)
    const starts = [0, ...ends.slice(0, -1)]
    for (let bit = 0; bit < bytes.length * 8; bit++) {
      const flipped = Uint8Array.from(bytes)
      flipped[bit >> 3] ^= 1 << (bit & 7)
      const byte = bit >> 3
      const damaged = starts.findLastIndex((s) => s <= byte)
      // The reader the spool reads with, over the bytes in memory: thousands of cases stay fast.
      const { read, damage } = readSegment(flipped)
      assert.deepEqual(
        read,
        RECORDS.filter((_, i) => i !== damaged),
        `bit ${bit} (record ${damaged})`,
      )
      const last = damaged === RECORDS.length - 1
      assert.deepEqual(
        damage,
        [[last ? 'torn' : 'corrupt', starts[damaged], ends[damaged] - starts[damaged]]],
        `bit ${bit}`,
      )
    }
    // And through a whole spool, for a flip in each record.
    for (const [i, start] of starts.entries()) {
      const flipped = Uint8Array.from(bytes)
      flipped[start + 30] ^= 4
      const { read, stats } = await reopen(tmp.dir, flipped)
      assert.deepEqual(
        read,
        RECORDS.filter((_, r) => r !== i),
      )
      assert.equal(stats.corruptRecords + stats.tornTails, 1)
    }
  })

  test('a record damaged in the segment being written is skipped and counted; the others keep their sequence numbers, and the lines leave', async () => {
    using tmp = tempDir()
    for (const damaged of RECORDS.keys()) {
      const spool = Spool.open({ directory: tmp.dir })
      const ends: number[] = []
      for (const record of RECORDS) {
        const mark = spool.mark()
        appendLines(spool, record)
        await spool.commit(mark)
        ends.push(spool.stats.bytes)
      }
      const path = join(tmp.dir, segmentName(1))
      const bytes = readFileSync(path)
      bytes[(damaged === 0 ? 0 : ends[damaged - 1]) + 30] ^= 4
      writeFileSync(path, bytes)
      const read = readAll(spool)
      assert.deepEqual(
        read.map((r) => r.lines),
        RECORDS.filter((_, i) => i !== damaged),
        `record ${damaged} damaged`,
      )
      assert.equal(spool.stats.corruptRecords, 1)
      assert.equal(spool.stats.lines, RECORDS.flat().length - RECORDS[damaged].length, 'its lines left the spool')
      assert.equal(spool.unreadLines, 0, 'nothing left to read')
      // Each record read is released by its own number: the spool ends empty and cut back.
      for (const r of read) spool.release(r.seq)
      assert.equal(spool.stats.lines, 0)
      // Released while the write loop was still ending: the segment is cut back once it has.
      await new Promise((resolve) => setImmediate(resolve))
      assert.equal(spool.stats.bytes, 0, `record ${damaged} damaged`)
      const mark = spool.mark()
      appendLines(spool, lines(100, 102))
      await spool.commit(mark)
      const next = readAll(spool)
      assert.deepEqual(
        next.map((r) => r.lines),
        [lines(100, 102)],
      )
      spool.release(next[0].seq)
      assert.equal(spool.stats.lines, 0)
      await spool.close()
      assert.deepEqual(readdirSync(tmp.dir), [])
    }
  })

  test('garbage between records and a garbled length are skipped to the next valid record', async () => {
    using tmp = tempDir()
    const { bytes, ends } = await segmentBytes(tmp.dir)
    const garbage = new TextEncoder().encode('SPL1 not a record SPL')
    const joined = new Uint8Array(bytes.length + garbage.length)
    joined.set(bytes.subarray(0, ends[0]))
    joined.set(garbage, ends[0])
    joined.set(bytes.subarray(ends[0]), ends[0] + garbage.length)
    const { read, stats } = await reopen(tmp.dir, joined)
    assert.deepEqual(read, RECORDS)
    assert.equal(stats.corruptRecords, 1)
    assert.equal(stats.corruptBytes, garbage.length)

    // The first record claims to be 1 GB long.
    const lengthGarbled = Uint8Array.from(bytes)
    new DataView(lengthGarbled.buffer).setUint32(8, 1 << 29, true)
    const second = await reopen(tmp.dir, lengthGarbled)
    assert.deepEqual(second.read, RECORDS.slice(1))
    assert.equal(second.stats.corruptRecords, 1)
  })
})
