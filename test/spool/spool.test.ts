// The spool on its own: records written, synced, read back oldest first, released and deleted;
// numeric segment order; a second open of the same directory; reopening what a writer left.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Spool } from '../../src/spool/spool.js'
import { listSegments, segmentName } from '../../src/spool/directory.js'
import { SpoolLockedError } from '../../src/errors.js'
import { appendLines, lines, readAll, tempDir } from './helpers.js'

describe('spool', () => {
  test('records come back in the order written, with their precision and exact lines, once committed', async () => {
    using tmp = tempDir()
    const spool = Spool.open({ directory: tmp.dir })
    const mark = spool.mark()
    appendLines(spool, lines(0, 3), 'ns')
    appendLines(spool, ['m s="a\nb" 1', 'm s="ü,=\\"" 2'], 's')
    appendLines(spool, lines(3, 5), 'ms')
    await spool.commit(mark)
    assert.equal(spool.stats.lines, 7)
    assert.equal(spool.unreadLines, 7)
    const read = readAll(spool)
    assert.deepEqual(
      read.map((r) => [r.precision, r.lines]),
      [
        ['ns', lines(0, 3)],
        ['s', ['m s="a\nb" 1', 'm s="ü,=\\"" 2']],
        ['ms', lines(3, 5)],
      ],
    )
    assert.equal(spool.unreadLines, 0)
    assert.equal(spool.stats.lines, 7, 'read is not released')
    for (const r of read) spool.release(r.seq)
    assert.equal(spool.stats.lines, 0)
    assert.equal(spool.stats.oldestLineAt, undefined)
    await spool.close()
    assert.deepEqual(readdirSync(tmp.dir), [], 'an empty spool leaves no file, and the lock is gone')
  })

  test('stats: bytes and lines held, and when the oldest line was spooled', async () => {
    using tmp = tempDir()
    const spool = Spool.open({ directory: tmp.dir })
    const before = Date.now()
    appendLines(spool, lines(0, 10))
    await spool.commit(1)
    appendLines(spool, lines(10, 12))
    await spool.commit(1)
    const stats = spool.stats
    assert.equal(stats.lines, 12)
    assert.ok(stats.bytes > 12 * 10)
    assert.ok(
      stats.oldestLineAt !== undefined &&
        stats.oldestLineAt.getTime() >= before &&
        stats.oldestLineAt.getTime() <= Date.now(),
    )
    const [first, second] = [spool.read()!, spool.read()!]
    spool.release(second.seq)
    assert.equal(spool.stats.lines, 10, 'released out of order: the first record still counts')
    spool.release(first.seq)
    assert.equal(spool.stats.lines, 0)
    await spool.close()
  })

  test('segments are numbered, zero-padded, and read in numeric order past 9, 99 and the padding', async () => {
    using tmp = tempDir()
    const spool = Spool.open({ directory: tmp.dir }, { segmentBytes: 1 })
    const written: string[][] = []
    for (let i = 0; i < 120; i++) {
      written.push(lines(i * 2, i * 2 + 2))
      appendLines(spool, written[i])
      await spool.commit(spool.mark())
      // A segment fills after each group here: the write loop starts the next one.
    }
    await spool.close()
    const names = readdirSync(tmp.dir)
      .filter((n) => n.startsWith('segment-'))
      .sort()
    assert.ok(names.length >= 100, `${names.length} segments`)
    for (const name of names) assert.match(name, /^segment-\d{20}\.spool$/)
    // Renamed to unpadded numbers, string order would put 10 before 9.
    for (const name of names) {
      const id = Number(/\d+/.exec(name)![0])
      const { renameSync } = await import('node:fs')
      renameSync(join(tmp.dir, name), join(tmp.dir, `segment-${id}.spool`))
    }
    assert.deepEqual(
      listSegments((await import('node:fs')) as never, tmp.dir).map((s) => s.id),
      names.map((n) => Number(/\d+/.exec(n)![0])),
    )
    const reopened = Spool.open({ directory: tmp.dir })
    assert.deepEqual(
      readAll(reopened).map((r) => r.lines),
      written,
    )
    await reopened.close()
    assert.equal(segmentName(42), 'segment-00000000000000000042.spool')
  })

  test('a reopened spool sends what it holds first, then new records; released segments are deleted', async () => {
    using tmp = tempDir()
    const first = Spool.open({ directory: tmp.dir }, { segmentBytes: 200 })
    for (let i = 0; i < 10; i++) appendLines(first, lines(i * 5, i * 5 + 5))
    await first.commit(1)
    // Half of it delivered before the process stops.
    const delivered = [first.read()!, first.read()!]
    for (const r of delivered) first.release(r.seq)
    await first.close()
    assert.ok(readdirSync(tmp.dir).some((n) => n.startsWith('segment-')))

    const second = Spool.open({ directory: tmp.dir }, { segmentBytes: 200 })
    assert.equal(second.stats.recoveredLines, second.stats.lines)
    appendLines(second, lines(1000, 1003))
    await second.commit(1)
    const read = readAll(second)
    const all = read.flatMap((r) => r.lines)
    // Records in a segment that was not deleted come again (resending is harmless); none is lost.
    assert.deepEqual(all.slice(-3), lines(1000, 1003))
    const old = all.slice(0, -3)
    assert.deepEqual(old, lines(50 - old.length, 50))
    assert.ok(old.length <= 50 && old.length >= 40)
    const segmentsBefore = second.stats.segments
    for (const r of read) second.release(r.seq)
    assert.ok(second.stats.segments < segmentsBefore, 'sealed, released segments are deleted at once')
    await second.close()
    assert.deepEqual(readdirSync(tmp.dir), [])
  })

  test('records released out of order: a segment is deleted only once every record in it is released, and a reopened spool holds the rest', async () => {
    using tmp = tempDir()
    // One record per segment: each commit fills the segment, the next record starts another.
    const spool = Spool.open({ directory: tmp.dir }, { segmentBytes: 1 })
    for (let i = 0; i < 6; i++) {
      const mark = spool.mark()
      appendLines(spool, lines(i * 10, i * 10 + 10))
      await spool.commit(mark)
    }
    const read = readAll(spool)
    assert.equal(read.length, 6)
    const segments = (): string[] => readdirSync(tmp.dir).filter((n) => n.startsWith('segment-'))
    const before = segments().length
    // Batches on the wire at once are acknowledged in any order; one spanning records 3 and 4 too.
    for (const i of [5, 3, 4, 1]) spool.release(read[i].seq)
    assert.equal(segments().length, before, 'record 0 is not released: nothing after it may go either')
    spool.release(read[0].seq)
    // Records 0 and 1 are released: their segments go; 2 holds the rest in place.
    assert.equal(segments().length, before - 2)
    await spool.close()
    const reopened = Spool.open({ directory: tmp.dir })
    const again = readAll(reopened).flatMap((r) => r.lines)
    assert.deepEqual(again.slice(0, 10), lines(20, 30), 'record 2, never released, is still there')
    await reopened.close()
  })

  test('a second open of a locked directory fails with SpoolLockedError naming the pid; a stale lock is taken over', async () => {
    using tmp = tempDir()
    const spool = Spool.open({ directory: tmp.dir })
    assert.equal(readFileSync(join(tmp.dir, 'spool.lock'), 'utf8').trim(), String(process.pid))
    assert.throws(
      () => Spool.open({ directory: tmp.dir }),
      (error: unknown) =>
        error instanceof SpoolLockedError &&
        error.pid === process.pid &&
        error.message.includes(`process ${process.pid}`) &&
        error.message.includes(tmp.dir),
    )
    await spool.close()
    assert.equal(existsSync(join(tmp.dir, 'spool.lock')), false)

    // A lock left by a process that is gone.
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'])
    const deadPid = Number(child.stdout.toString())
    writeFileSync(join(tmp.dir, 'spool.lock'), `${deadPid}\n`)
    const taken = Spool.open({ directory: tmp.dir })
    assert.equal(readFileSync(join(tmp.dir, 'spool.lock'), 'utf8').trim(), String(process.pid))
    await taken.close()

    // A live process that is not this one: its pid is named.
    writeFileSync(join(tmp.dir, 'spool.lock'), '1\n')
    assert.throws(
      () => Spool.open({ directory: tmp.dir }),
      (e: unknown) => e instanceof SpoolLockedError && e.pid === 1,
    )
  })

  test('interval sync: write() resolves once written, a timer syncs', async () => {
    using tmp = tempDir()
    let syncs = 0
    const fs = await import('node:fs')
    const counting = {
      ...fs,
      fdatasync: ((fd: number, cb: (e: Error | null) => void) => {
        syncs++
        fs.fdatasync(fd, cb)
      }) as typeof fs.fdatasync,
    }
    const spool = Spool.open({ directory: tmp.dir, sync: 20 }, { fs: counting })
    appendLines(spool, lines(0, 5))
    await spool.commit(1)
    assert.equal(syncs, 0, 'not synced on commit')
    assert.equal(readAll(spool).length, 1, 'readable once written')
    const deadline = Date.now() + 5000
    while (syncs === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
    assert.ok(syncs >= 1)
    await spool.close()
  })

  test('interval sync: writers that never pause are still synced about every interval', async () => {
    using tmp = tempDir()
    let syncs = 0
    const fs = await import('node:fs')
    const counting = {
      ...fs,
      fdatasync: ((fd: number, cb: (e: Error | null) => void) => {
        syncs++
        fs.fdatasync(fd, cb)
      }) as typeof fs.fdatasync,
    }
    const spool = Spool.open({ directory: tmp.dir, sync: 50 }, { fs: counting })
    // Four writers keep a group always being written for a second: the timer never finds the spool idle.
    const until = Date.now() + 1000
    let commits = 0
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (Date.now() < until) {
          const mark = spool.mark()
          appendLines(spool, lines(0, 1000))
          await spool.commit(mark)
          commits++
          for (let r = spool.read(); r !== undefined; r = spool.read()) spool.release(r.seq)
        }
      }),
    )
    assert.ok(commits > 20, `${commits} commits`)
    // Twenty intervals in that second; a loaded machine or a slow disk gets fewer, never none.
    assert.ok(syncs >= 5, `${syncs} syncs in a second of writing with sync: 50`)
    await spool.close()
  })

  test('options are checked', () => {
    using tmp = tempDir()
    assert.throws(() => Spool.open({ directory: '' }), /spool.directory/)
    assert.throws(() => Spool.open({ directory: tmp.dir, sync: 0 }), /spool.sync/)
    assert.throws(() => Spool.open({ directory: tmp.dir, sync: 'always' as never }), /spool.sync/)
    assert.throws(() => Spool.open({ directory: tmp.dir, maxBytes: -1 }), /spool.maxBytes/)
  })
})
