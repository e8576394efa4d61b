// A file system that refuses: a full disk (a 1 MB tmpfs where the machine allows mounting one,
// and an injected ENOSPC everywhere), an I/O error, a read-only directory. The commit of the
// refused lines rejects with SpoolWriteError naming the code; nothing committed before is lost.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import { Spool } from '../../src/spool/spool.js'
import { SpoolWriteError } from '../../src/errors.js'
import type { SpoolFs } from '../../src/spool/fs.js'
import { appendLines, lines, readAll, tempDir } from './helpers.js'
import { REQUIRE_REAL_SERVERS } from '../support/servers.js'

/** A tmpfs of `size` mounted on a fresh directory, or why not. */
function mountTmpfs(dir: string, options: string): { unmount: () => void } | string {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'pipe' })
    return { unmount: () => execFileSync('umount', [dir], { stdio: 'pipe' }) }
  } catch (error) {
    const reason = `cannot mount a tmpfs here: ${(error as Error).message.split('\n')[0]}`
    // CI runs as root on a machine that can mount: there a failed mount is a failure, never a skip.
    if (REQUIRE_REAL_SERVERS) throw new Error(`${reason} (CI requires it)`, { cause: error })
    return reason
  }
}

/** node:fs whose async writes fail with `code` while `failing()` is true. */
function failingFs(code: string, failing: () => boolean): SpoolFs {
  return {
    ...fs,
    write: ((
      fd: number,
      buffer: Uint8Array,
      offset: number,
      length: number,
      position: number,
      callback: (e: Error | null, n: number) => void,
    ) => {
      if (!failing()) return fs.write(fd, buffer, offset, length, position, callback)
      // Part of the group lands before the error, as on a disk that fills up mid-write.
      fs.write(fd, buffer, offset, Math.min(length, 7), position, () =>
        callback(Object.assign(new Error(`${code}: injected`), { code }), 0),
      )
    }) as SpoolFs['write'],
  }
}

/** Commits records of 100 lines until one is refused; returns the lines of those committed. */
async function fillUntilRefused(spool: Spool, max = 10_000): Promise<{ committed: string[][]; error: unknown }> {
  const committed: string[][] = []
  for (let i = 0; i < max; i++) {
    const record = lines(i * 100, i * 100 + 100, 'x'.repeat(100))
    const mark = spool.mark()
    appendLines(spool, record)
    try {
      await spool.commit(mark)
      committed.push(record)
    } catch (error) {
      return { committed, error }
    }
  }
  return { committed, error: undefined }
}

async function assertHolds(dir: string, committed: string[][], internals = {}): Promise<void> {
  const reopened = Spool.open({ directory: dir }, internals)
  assert.deepEqual(
    readAll(reopened).map((r) => r.lines),
    committed,
  )
  assert.equal(reopened.stats.tornTails, 0)
  assert.equal(reopened.stats.corruptRecords, 0)
  await reopened.close()
}

describe('spool disk errors', () => {
  test('a full tmpfs: the refused commit is a SpoolWriteError ENOSPC, every committed line stays, writing works again once lines left', async (t) => {
    using tmp = tempDir()
    const mounted = mountTmpfs(tmp.dir, 'size=1m')
    if (typeof mounted === 'string') return t.skip(mounted)
    try {
      const spool = Spool.open({ directory: tmp.dir })
      const { committed, error } = await fillUntilRefused(spool)
      assert.ok(error instanceof SpoolWriteError, String(error))
      assert.equal(error.errorCode, 'ENOSPC')
      assert.ok(committed.length > 10)
      // Delivered and released: the space comes back and the next record is stored.
      for (let r = spool.read(); r !== undefined; r = spool.read()) spool.release(r.seq)
      const mark = spool.mark()
      appendLines(spool, lines(0, 3))
      await spool.commit(mark)
      await spool.close()
      await assertHolds(tmp.dir, [lines(0, 3)])
      // Full again, then closed with the lines in it: a new writer finds exactly the committed ones.
      const again = Spool.open({ directory: tmp.dir })
      const second = await fillUntilRefused(again)
      assert.equal((second.error as SpoolWriteError).errorCode, 'ENOSPC')
      await again.close()
      await assertHolds(tmp.dir, [lines(0, 3), ...second.committed])
    } finally {
      mounted.unmount()
    }
  })

  test('a read-only file system holding lines: opening the spool is a SpoolWriteError naming EROFS, the lines stay', async (t) => {
    using tmp = tempDir()
    const mounted = mountTmpfs(tmp.dir, 'size=1m')
    if (typeof mounted === 'string') return t.skip(mounted)
    try {
      const spool = Spool.open({ directory: tmp.dir })
      appendLines(spool, lines(0, 5))
      await spool.commit(1)
      await spool.close()
      execFileSync('mount', ['-o', 'remount,ro', tmp.dir], { stdio: 'pipe' })
      assert.throws(
        () => Spool.open({ directory: tmp.dir }),
        (e: unknown) => e instanceof SpoolWriteError && e.errorCode === 'EROFS' && e.message.includes(tmp.dir),
      )
      execFileSync('mount', ['-o', 'remount,rw', tmp.dir], { stdio: 'pipe' })
      await assertHolds(tmp.dir, [lines(0, 5)])
    } finally {
      mounted.unmount()
    }
  })

  test('a write whose first record failed rejects, however many failures came before its commit and even once the disk works again', async () => {
    using tmp = tempDir()
    let failing = true
    const spool = Spool.open({ directory: tmp.dir }, { fs: failingFs('EIO', () => failing) })
    // A write() takes its mark, stores a first record (its group fails), then waits for room
    // while other writes fail, many of them.
    const waiting = spool.mark()
    appendLines(spool, lines(0, 5))
    for (let i = 0; i < 100; i++) {
      const mark = spool.mark()
      appendLines(spool, lines(5, 10))
      await assert.rejects(spool.commit(mark), SpoolWriteError)
    }
    // Room comes back and the disk works: its second record is stored.
    failing = false
    appendLines(spool, lines(10, 15))
    await assert.rejects(
      spool.commit(waiting),
      (e: unknown) => e instanceof SpoolWriteError && e.errorCode === 'EIO',
      'its first record is not in the spool: the write must not resolve',
    )
    assert.deepEqual(
      readAll(spool).map((r) => r.lines),
      [lines(10, 15)],
    )
    await spool.close()
  })

  for (const code of ['ENOSPC', 'EIO']) {
    test(`an injected ${code} in the middle of the spool: that commit rejects, the ones before and after hold`, async () => {
      using tmp = tempDir()
      let failing = false
      const spool = Spool.open({ directory: tmp.dir }, { fs: failingFs(code, () => failing) })
      appendLines(spool, lines(0, 5))
      await spool.commit(1)
      failing = true
      const mark = spool.mark()
      appendLines(spool, lines(5, 10))
      await assert.rejects(
        spool.commit(mark),
        (e: unknown) => e instanceof SpoolWriteError && e.errorCode === code && e.message.includes(code),
      )
      assert.equal(spool.stats.lines, 5, 'the refused lines are not in the spool')
      failing = false
      const next = spool.mark()
      appendLines(spool, lines(10, 15))
      await spool.commit(next)
      assert.deepEqual(
        readAll(spool).map((r) => r.lines),
        [lines(0, 5), lines(10, 15)],
      )
      await spool.close()
      await assertHolds(tmp.dir, [lines(0, 5), lines(10, 15)])
    })
  }
})
