// A BatchWriter with a spool: lines go to disk, batches come from disk oldest first, lines stay
// across an outage and a new writer, refused lines leave the spool and are reported as without
// one, maxBytes makes write() wait, a disk error rejects write().
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import * as fs from 'node:fs'
import { readdirSync } from 'node:fs'
import { BatchWriter } from '../../src/write/batch-writer.js'
import type { BatchWriterOptions } from '../../src/write/batch-options.js'
import {
  InfluxDBError,
  InvalidArgumentError,
  SpoolLockedError,
  SpoolWriteError,
  UndeliveredLinesError,
} from '../../src/errors.js'
import { stringSerializer } from '../write/harness.js'
import { durableWriteFlags, type SpoolFs } from '../../src/spool/fs.js'
import type { SpoolInternals } from '../../src/spool/spool.js'
import { waitFor } from '../support/wait.js'
import { lines, tempDir } from './helpers.js'
import { InfluxDBClientAsync } from '../../src/client.js'
import { startTestServer } from '../../src/testing/index.js'

const FAST_RETRY = { minRetryDelay: 1, maxRetryDelay: 5, maxRetries: 1_000_000, maxRetryTime: 600_000 }

/** A send function that records bodies; `mode` decides how it answers. */
function fakeServer() {
  const state = {
    mode: 'up' as 'up' | 'down',
    bodies: [] as string[],
    refuse: (() => false) as (body: string) => boolean,
    attempts: 0,
  }
  const send = async (body: Uint8Array, _precision: string, signal: AbortSignal): Promise<void> => {
    state.attempts++
    await new Promise((r) => setTimeout(r, 1))
    if (signal.aborted) throw signal.reason
    const text = new TextDecoder().decode(body)
    if (state.mode === 'down') throw new InfluxDBError({ statusCode: 503, body: '', headers: {} })
    if (state.refuse(text))
      throw new InfluxDBError({ statusCode: 400, body: '{"code":"invalid","message":"bad line"}', headers: {} })
    state.bodies.push(text)
  }
  return { state, send, received: () => state.bodies.flatMap((b) => b.split('\n')) }
}

function spooledWriter(
  dir: string,
  send: ReturnType<typeof fakeServer>['send'],
  options: Partial<BatchWriterOptions> = {},
  spoolInternals?: SpoolInternals,
): BatchWriter {
  return BatchWriter.create(
    { bucket: 'b', batchSize: 100, flushInterval: 20, retry: FAST_RETRY, spool: { directory: dir }, ...options },
    { send, serialize: stringSerializer, ...(spoolInternals !== undefined ? { spoolInternals } : {}) },
  )
}

describe('BatchWriter with a spool', () => {
  test('every line goes through the spool to the server, in order; the spool is empty and removed at close', async () => {
    using tmp = tempDir()
    const server = fakeServer()
    const writer = spooledWriter(tmp.dir, server.send, { maxInFlight: 1 })
    for (let i = 0; i < 10; i++) await writer.write(lines(i * 95, i * 95 + 95))
    await writer.flush()
    assert.deepEqual(server.received(), lines(0, 950))
    assert.ok(server.state.bodies.every((b) => b.split('\n').length <= 100))
    assert.equal(writer.stats.spool?.lines, 0)
    assert.equal(writer.stats.writtenLines, 950)
    await writer.close()
    assert.deepEqual(readdirSync(tmp.dir), [])
  })

  test('an outage: write() resolves with the lines on disk, memory holds only the batches on the wire; a new writer sends them first', async () => {
    using tmp = tempDir()
    const server = fakeServer()
    server.state.mode = 'down'
    const writer = spooledWriter(tmp.dir, server.send, { maxInFlight: 2 })
    for (let i = 0; i < 50; i++) await writer.write(lines(i * 100, i * 100 + 100))
    const stats = writer.stats
    assert.equal(stats.spool?.lines, 5000)
    assert.ok(stats.bufferedLines <= 200, `in memory: ${stats.bufferedLines}`)
    assert.ok(stats.spool.oldestLineAt instanceof Date)
    await waitFor(() => server.state.attempts > 5, 'retries while down')
    writer.abort()
    await writer.close()
    assert.deepEqual(server.received(), [])
    assert.ok(
      readdirSync(tmp.dir).some((n) => n.startsWith('segment-')),
      'the lines stay on disk',
    )

    server.state.mode = 'up'
    const next = spooledWriter(tmp.dir, server.send, { maxInFlight: 1 })
    assert.equal(next.stats.spool?.recoveredLines, 5000)
    await next.write(lines(5000, 5010))
    await next.close()
    assert.deepEqual(server.received(), lines(0, 5010), 'oldest first, then the new lines')
    assert.deepEqual(readdirSync(tmp.dir), [])
  })

  test('a refused (poison) line leaves the spool, is reported by onBatchFailed and flush() as without a spool, and the rest flows', async () => {
    using tmp = tempDir()
    const server = fakeServer()
    server.state.refuse = (body) => body.includes('v=150i')
    const failed: string[][] = []
    const writer = spooledWriter(tmp.dir, server.send, {
      maxInFlight: 1,
      onBatchFailed: (info) => void failed.push(info.lines),
    })
    await writer.write(lines(0, 300))
    await assert.rejects(
      writer.flush(),
      (e: unknown) =>
        e instanceof UndeliveredLinesError && e.lines.length === 100 && e.lines.includes('m,k=a v=150i 150'),
    )
    assert.deepEqual(failed, [lines(100, 200)])
    assert.deepEqual(server.received(), [...lines(0, 100), ...lines(200, 300)])
    assert.equal(writer.stats.spool?.lines, 0)
    await writer.write(lines(300, 310))
    await writer.close()
    assert.deepEqual(server.received().slice(-10), lines(300, 310))
  })

  test('a second writer on the same directory fails at once with SpoolLockedError naming this pid', async () => {
    using tmp = tempDir()
    const server = fakeServer()
    const writer = spooledWriter(tmp.dir, server.send)
    assert.throws(
      () => spooledWriter(tmp.dir, server.send),
      (e: unknown) => e instanceof SpoolLockedError && e.pid === process.pid,
    )
    await writer.close()
  })

  test('maxBytes reached during an outage: write() waits, and goes on once the server is back', async () => {
    using tmp = tempDir()
    const server = fakeServer()
    server.state.mode = 'down'
    const writer = spooledWriter(tmp.dir, server.send, { spool: { directory: tmp.dir, maxBytes: 40_000 } })
    let written = 0
    const producer = (async () => {
      for (let i = 0; i < 40; i++) {
        await writer.write(lines(i * 100, i * 100 + 100))
        written++
      }
    })()
    await waitFor(() => written > 0 && writer.stats.spool!.bytes > 30_000, 'spool filling')
    await new Promise((r) => setTimeout(r, 200))
    const stuck = written
    assert.ok(stuck < 40, 'write() waits')
    assert.ok(writer.stats.spool!.bytes <= 40_000 + 10_000, `bytes ${writer.stats.spool!.bytes}`)
    server.state.mode = 'up'
    await producer
    await writer.close()
    assert.deepEqual(new Set(server.received()), new Set(lines(0, 4000)))
  })

  test('a disk error rejects write() with SpoolWriteError; lines spooled before are delivered', async () => {
    using tmp = tempDir()
    const server = fakeServer()
    let failing = false
    const failingFs: SpoolFs = {
      ...fs,
      write: ((
        fd: number,
        buffer: Uint8Array,
        offset: number,
        length: number,
        position: number,
        cb: (e: Error | null, n: number) => void,
      ) => {
        if (failing) return cb(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }), 0)
        return fs.write(fd, buffer, offset, length, position, cb)
      }) as SpoolFs['write'],
    }
    server.state.mode = 'down'
    const writer = spooledWriter(tmp.dir, server.send, {}, { fs: failingFs })
    await writer.write(lines(0, 50))
    failing = true
    await assert.rejects(
      writer.write(lines(50, 60)),
      (e: unknown) => e instanceof SpoolWriteError && e.errorCode === 'ENOSPC',
    )
    failing = false
    server.state.mode = 'up'
    await writer.close()
    assert.deepEqual(server.received(), lines(0, 50))
  })

  test('add() and a piped stream go through the spool too; a disk error reports add()ed lines undelivered', async () => {
    using tmp = tempDir()
    const server = fakeServer()
    let failing = false
    const failingFs: SpoolFs = {
      ...fs,
      write: ((
        fd: number,
        buffer: Uint8Array,
        offset: number,
        length: number,
        position: number,
        cb: (e: Error | null, n: number) => void,
      ) => {
        if (failing) return cb(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }), 0)
        return fs.write(fd, buffer, offset, length, position, cb)
      }) as SpoolFs['write'],
    }
    const writer = spooledWriter(tmp.dir, server.send, { maxInFlight: 1 }, { fs: failingFs })
    for (const line of lines(0, 500)) if (!writer.add(line)) await writer.drained()
    const { Readable } = await import('node:stream')
    const { pipeline } = await import('node:stream/promises')
    await pipeline(Readable.from(lines(500, 1000)), writer.nodeWritable())
    await writer.flush()
    assert.deepEqual(server.received(), lines(0, 1000))
    failing = true
    writer.add(lines(1000, 1005))
    await writer.drained()
    await assert.rejects(
      writer.flush(),
      (e: unknown) => e instanceof UndeliveredLinesError && e.lines.join() === lines(1000, 1005).join(),
    )
    failing = false
    await writer.close()
  })

  /**
   * node:fs whose durable step is held until the test lets it run: the write to a segment
   * opened with O_DSYNC, or the fdatasync after a plain write where the platform has no O_DSYNC.
   */
  function holdingDurableFs(withDsync: boolean) {
    const held: (() => void)[] = []
    const state = { syncs: 0, segmentFds: [] as number[] }
    const heldFs: SpoolFs = {
      ...fs,
      constants: withDsync ? fs.constants : { ...fs.constants, O_DSYNC: undefined as unknown as number },
      openSync: ((path: string, flags: string | number, mode?: number) => {
        const fd = fs.openSync(path, flags, mode)
        if (path.endsWith('.spool') && (flags === 'wx' || typeof flags === 'number')) state.segmentFds.push(fd)
        return fd
      }) as SpoolFs['openSync'],
    }
    if (withDsync) {
      heldFs.write = ((fd: number, buffer: Uint8Array, offset: number, length: number, position: number, cb: never) => {
        state.syncs++
        held.push(() => fs.write(fd, buffer, offset, length, position, cb))
      }) as SpoolFs['write']
    } else {
      heldFs.fdatasync = ((fd: number, cb: (e: Error | null) => void) => {
        state.syncs++
        held.push(() => fs.fdatasync(fd, cb))
      }) as SpoolFs['fdatasync']
    }
    return { held, state, fs: heldFs }
  }

  /** The open flags of `fd` as the kernel holds them (Linux's /proc). */
  function kernelFlags(fd: number): number {
    const line = fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8').match(/^flags:\s+([0-7]+)$/m)
    assert.ok(line, `/proc/self/fdinfo/${fd} has its flags`)
    return parseInt(line[1], 8)
  }

  test("sync: 'write' on Linux opens segments with O_DSYNC and never calls fdatasync; elsewhere each write is fdatasync'd", async () => {
    const linux = process.platform === 'linux'
    using tmp = tempDir()
    const server = fakeServer()
    server.state.mode = 'down'
    let fdatasyncs = 0
    const { state, fs: countingFs } = holdingDurableFs(true)
    countingFs.write = fs.write
    countingFs.fdatasync = ((fd: number, cb: (e: Error | null) => void) => {
      fdatasyncs++
      fs.fdatasync(fd, cb)
    }) as SpoolFs['fdatasync']
    const writer = spooledWriter(tmp.dir, server.send, {}, { fs: countingFs })
    await writer.write(lines(0, 100))
    assert.equal(state.segmentFds.length, 1)
    if (linux) {
      assert.equal(
        kernelFlags(state.segmentFds[0]) & fs.constants.O_DSYNC,
        fs.constants.O_DSYNC,
        'the kernel has O_DSYNC',
      )
    }
    assert.equal(fdatasyncs, linux ? 0 : 1)
    writer.abort()
    await writer.close()

    // With sync: <ms> the writes are plain, and the interval syncs them.
    using other = tempDir()
    const timed = holdingDurableFs(true)
    timed.fs.write = fs.write
    const intervalWriter = spooledWriter(
      other.dir,
      server.send,
      { spool: { directory: other.dir, sync: 10 } },
      { fs: timed.fs },
    )
    await intervalWriter.write(lines(0, 100))
    if (linux) assert.equal(kernelFlags(timed.state.segmentFds[0]) & fs.constants.O_DSYNC, 0)
    intervalWriter.abort()
    await intervalWriter.close()
  })

  test('a file system that refuses O_DSYNC gets write-then-fdatasync; an open that fails anyway reports its own error', async () => {
    using tmp = tempDir()
    const server = fakeServer()
    let fdatasyncs = 0
    let refusals = 0
    const refusingFs: SpoolFs = {
      ...fs,
      openSync: ((path: string, flags: string | number, mode?: number) => {
        if (typeof flags === 'number' && (flags & (fs.constants.O_DSYNC ?? 0)) !== 0) {
          refusals++
          throw Object.assign(new Error('EOPNOTSUPP: operation not supported'), { code: 'EOPNOTSUPP' })
        }
        return fs.openSync(path, flags, mode)
      }) as SpoolFs['openSync'],
      fdatasync: ((fd: number, cb: (e: Error | null) => void) => {
        fdatasyncs++
        fs.fdatasync(fd, cb)
      }) as SpoolFs['fdatasync'],
    }
    const writer = spooledWriter(tmp.dir, server.send, {}, { fs: refusingFs })
    await writer.write(lines(0, 100))
    await writer.close()
    assert.deepEqual(server.received(), lines(0, 100))
    if (process.platform === 'linux') assert.equal(refusals, 1, 'O_DSYNC was tried once')
    assert.ok(fdatasyncs >= 1, 'each write was synced with fdatasync instead')

    // A cause that fails the plain open too is the one reported.
    using full = tempDir()
    const fullFs: SpoolFs = {
      ...fs,
      openSync: ((path: string, flags: string | number, mode?: number) => {
        if (path.endsWith('.spool'))
          throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' })
        return fs.openSync(path, flags, mode)
      }) as SpoolFs['openSync'],
    }
    assert.throws(
      () => spooledWriter(full.dir, server.send, {}, { fs: fullFs }),
      (e: unknown) => e instanceof SpoolWriteError && e.errorCode === 'ENOSPC',
    )
  })

  test('O_DSYNC only on Linux: macOS needs fdatasync for a full flush, Windows has no such flag', () => {
    assert.equal(
      durableWriteFlags(fs, 'linux'),
      fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_DSYNC,
    )
    for (const platform of ['darwin', 'win32', 'freebsd', undefined])
      assert.equal(durableWriteFlags(fs, platform), undefined)
    const noDsync = { ...fs, constants: { ...fs.constants, O_DSYNC: undefined as unknown as number } }
    assert.equal(durableWriteFlags(noDsync, 'linux'), undefined)
  })

  for (const withDsync of [true, false]) {
    test(`sync: 'write' (${withDsync ? 'O_DSYNC' : 'write, then fdatasync'}): one write() of several chunks is synced once and resolves only after that sync; concurrent writes share one`, async () => {
      using tmp = tempDir()
      const server = fakeServer()
      server.state.mode = 'down'
      // Every sync is held until the test lets it run.
      const { held, state, fs: holdingFs } = holdingDurableFs(withDsync)
      // Chunks of 512 lines: a write() of 1,000 lines is two records.
      const writer = spooledWriter(tmp.dir, server.send, { batchSize: 1000 }, { fs: holdingFs })
      let resolved = false
      const written = writer.write(lines(0, 1000)).then(() => (resolved = true))
      await waitFor(() => held.length === 1, 'the sync of the write')
      await new Promise((r) => setTimeout(r, 50))
      assert.equal(resolved, false, 'write() waits for its sync')
      assert.equal(writer.stats.spool?.lines, 0, 'lines count once synced')
      held.shift()!()
      await waitFor(() => resolved || held.length > 0, 'write() resolved')
      assert.equal(held.length, 0, 'both records of the write() were in the one sync')
      await written
      assert.equal(state.syncs, 1)
      assert.equal(writer.stats.spool?.lines, 1000)

      // The first write() starts a sync at once; the seven that come while it runs share the next one.
      let done = 0
      const eight = Array.from({ length: 8 }, (_, i) =>
        writer.write(lines(1000 + i * 1000, 2000 + i * 1000)).then(() => done++),
      )
      while (done < 8) {
        await waitFor(() => held.length > 0 || done === 8, 'a sync or the writes')
        held.shift()?.()
      }
      await Promise.all(eight)
      assert.equal(state.syncs, 3, 'eight concurrent write() calls: two syncs')
      assert.equal(writer.stats.spool?.lines, 9000)
      writer.abort()
      await writer.close()
    })
  }

  test('write() from inside onBatchWritten while the spool is at maxBytes rejects at once, as without a spool; a write that fits works', async () => {
    using tmp = tempDir()
    const server = fakeServer()
    const seen: unknown[] = []
    let calls = 0
    const self: { writer?: BatchWriter } = {}
    // Room for two records of 100 lines, not three.
    const recordBytes = 28 + 4 * 100 + lines(0, 100).join('\n').length
    self.writer = spooledWriter(tmp.dir, server.send, {
      maxInFlight: 1,
      spool: { directory: tmp.dir, maxBytes: Math.floor(recordBytes * 2.5) },
      onBatchWritten: async () => {
        calls++
        // The callback's batch stays in the spool until the callback returned.
        if (calls === 1) await self.writer!.write(lines(100, 200))
        if (calls === 2) await self.writer!.write(lines(200, 300)).catch((error: unknown) => seen.push(error))
      },
    })
    const writer = self.writer
    const flushed = (): Promise<unknown> =>
      Promise.race([writer.flush().then(() => 'flushed'), new Promise((r) => setTimeout(() => r('deadlocked'), 5000))])
    await writer.write(lines(0, 100))
    // The first covers the first batch (its callback writes the second), the second flush the second batch.
    assert.equal(await flushed(), 'flushed')
    assert.equal(await flushed(), 'flushed')
    assert.equal(calls, 2)
    await writer.close()
    assert.equal(seen.length, 1)
    assert.ok(seen[0] instanceof InvalidArgumentError, `expected InvalidArgumentError, got ${String(seen[0])}`)
    assert.match(seen[0].message, /write\(\) was called from inside onBatchWritten while the spool was full/)
    // The write that fitted went to the spool and on to the server; the refused one took nothing.
    assert.deepEqual(server.received(), lines(0, 200))
  })

  test('a record damaged on disk after write() resolved: skipped and counted, the other lines delivered, close() does not wait for it', async () => {
    using tmp = tempDir()
    const server = fakeServer()
    server.state.mode = 'down'
    const writer = spooledWriter(tmp.dir, server.send, { batchSize: 10, maxInFlight: 1, flushInterval: 0 })
    for (let i = 0; i < 5; i++) await writer.write(lines(i * 10, i * 10 + 10))
    // A bit flips in the last record's lines, on disk, before it is read.
    const path = `${tmp.dir}/${readdirSync(tmp.dir).find((n) => n.startsWith('segment-'))!}`
    const bytes = fs.readFileSync(path)
    bytes[bytes.length - 20] ^= 1
    fs.writeFileSync(path, bytes)
    server.state.mode = 'up'
    const closed = await Promise.race([
      writer.close().then(() => 'closed'),
      new Promise((r) => setTimeout(() => r('still waiting'), 5000)),
    ])
    assert.equal(closed, 'closed')
    assert.deepEqual(server.received(), lines(0, 40))
    assert.equal(writer.stats.spool?.corruptRecords, 1)
    assert.equal(writer.stats.spool?.lines, 0)
    assert.deepEqual(readdirSync(tmp.dir), [])
  })

  test('client.writeApi().batchWriter({ spool }) against the embedded server: points stored, stats.spool reported', async () => {
    using tmp = tempDir()
    const server = await startTestServer()
    const client = new InfluxDBClientAsync({ url: server.url, token: server.token, org: server.org })
    try {
      const writer = client
        .writeApi()
        .batchWriter({ bucket: 'test-bucket', spool: { directory: tmp.dir, sync: 'write' } })
      await writer.write(lines(0, 1000))
      assert.ok(writer.stats.spool !== undefined)
      await writer.close()
      assert.equal(server.points('test-bucket').length, 1000)
    } finally {
      await client.close()
      await server.close()
    }
  })
})
