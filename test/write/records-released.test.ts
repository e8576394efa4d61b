// A BatchWriter lets go of the records of a write() once they are serialised, also while that
// write() still waits: for room in the buffer, or with a spool for its disk sync. Records held
// through such waits survive V8's young collections, and V8 grows its young generation for
// survivors up to its cap (128 MB on Node 24).
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import * as fs from 'node:fs'
import { BatchWriter } from '../../src/write/batch-writer.js'
import { serializeForBatch } from '../../src/write/batch-factory.js'
import { Point } from '../../src/line-protocol/point.js'
import type { SpoolFs } from '../../src/spool/fs.js'
import { collectGarbage } from '../support/gc.js'
import { tempDir } from '../support/temp-dir.js'
import { waitFor } from '../support/wait.js'

/** `count` Points and a WeakRef to the array holding them; nothing else keeps the array. */
function page(count: number): { points: Point[]; ref: WeakRef<Point[]> } {
  const points = Array.from({ length: count }, (_, i) => new Point('m').tag('t', 'a').intField('v', i).time(BigInt(i)))
  return { points, ref: new WeakRef(points) }
}

/** Starts `writer.write()` of a fresh page and returns its promise and a WeakRef to the page. */
function writePage(writer: BatchWriter, count: number): { written: Promise<void>; ref: WeakRef<Point[]> } {
  const { points, ref } = page(count)
  return { written: writer.write(points), ref }
}

describe('BatchWriter: records of a pending write() can be collected', () => {
  test('while write() waits for room in the buffer, its records all serialised', async () => {
    const held: (() => void)[] = []
    const bodies: string[] = []
    const writer = BatchWriter.create(
      { bucket: 'b', batchSize: 500, maxBufferedLines: 600, maxInFlight: 1, flushInterval: 0 },
      {
        send: (body) =>
          new Promise<void>((resolve) => {
            bodies.push(new TextDecoder().decode(body))
            held.push(resolve)
          }),
        serialize: serializeForBatch,
      },
    )
    // A full batch goes on the wire and stays there: 100 lines of room are left.
    await writer.write(page(500).points)
    await waitFor(() => held.length === 1, 'the first batch on the wire')
    // 400 lines, one chunk: serialised in full by the time write() returns, then waiting for room.
    const { written, ref } = writePage(writer, 400)
    let settled = false
    void written.then(() => (settled = true))
    await collectGarbage()
    assert.equal(settled, false, 'write() still waits for room')
    assert.equal(ref.deref(), undefined, 'the records were let go while write() waits')
    held.shift()!()
    await written
    const closed = writer.close()
    await waitFor(() => held.length > 0, 'the last batch')
    held.shift()!()
    await closed
    const expected = [...Array.from({ length: 500 }, (_, i) => i), ...Array.from({ length: 400 }, (_, i) => i)]
    assert.deepEqual(
      bodies.join('\n').split('\n'),
      expected.map((i) => `m,t=a v=${i}i ${i}`),
    )
  })

  test('with a spool, while write() waits for its disk sync', async () => {
    using tmp = tempDir('records-released-')
    const held: (() => void)[] = []
    // The sync is held: the O_DSYNC write where there is one, else the fdatasync after a write.
    const holdingFs: SpoolFs = {
      ...fs,
      write: ((fd: number, buffer: Uint8Array, offset: number, length: number, position: number, cb: never) => {
        held.push(() => fs.write(fd, buffer, offset, length, position, cb))
      }) as SpoolFs['write'],
      fdatasync: ((fd: number, cb: (error: Error | null) => void) => {
        held.push(() => fs.fdatasync(fd, cb))
      }) as SpoolFs['fdatasync'],
    }
    const writer = BatchWriter.create(
      { bucket: 'b', batchSize: 5000, flushInterval: 0, spool: { directory: tmp.dir } },
      {
        send: () => new Promise<void>(() => undefined),
        serialize: serializeForBatch,
        spoolInternals: { fs: holdingFs },
      },
    )
    const { written, ref } = writePage(writer, 1000)
    let settled = false
    void written.then(() => (settled = true))
    await waitFor(() => held.length === 1, 'the disk write')
    await collectGarbage()
    assert.equal(settled, false, 'write() still waits for its sync')
    assert.equal(ref.deref(), undefined, 'the page was let go while write() waits for the disk')
    while (!settled) {
      await waitFor(() => held.length > 0 || settled, 'the sync or the end of write()')
      held.shift()?.()
    }
    await written
    assert.equal(writer.stats.spool?.lines, 1000)
    writer.abort()
    await writer.close()
  })
})
