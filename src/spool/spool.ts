/**
 * An append-only spool of line records on disk: what a BatchWriter writes goes here first and
 * stays until the server acknowledged it (or it was declared undelivered).
 *
 * Writing: `append()` copies a record into the pending group; the write loop writes each group
 * at the end of the active segment and, with `sync: 'write'`, fsyncs it before the group's
 * `commit()` promises resolve. Records appended while a group is being written and synced form
 * the next group, so concurrent writers share one fsync (group commit). With an interval, a
 * timer fsyncs instead. A failed write leaves the segment as it was before the group.
 *
 * Reading: `read()` hands out the next record written and not yet read, oldest first, checked
 * against its checksum; `release(seq)` says it is done. A sealed segment whose records are all
 * released is deleted.
 *
 * Opening: takes the directory's lock, checks every segment left there (torn tails are cut
 * off, damaged runs are counted and skipped), and starts a new segment after them.
 */
import { InvalidArgumentError, SpoolWriteError } from '../errors.js'
import type { WritePrecision } from '../line-protocol/precision.js'
import { MAX_TIMER_DELAY } from '../http/timer-limits.js'
import { acquireLock, listSegments, segmentName, type IsAlive } from './directory.js'
import { durableWriteFlags, errorCode, fdatasync, loadSpoolFs, syncDirectory, writeFully, type SpoolFs } from './fs.js'
import { join } from './path.js'
import { encodeRecord, readEnds, recordSize } from './record-format.js'
import { RecordRing } from './record-ring.js'
import { SegmentReader } from './segment-reader.js'
import { DEFAULT_SPOOL_MAX_BYTES, type SpoolOptions, type SpoolStats } from './options.js'

/** What tests and benchmarks may change beyond the public options. */
export interface SpoolInternals {
  fs?: SpoolFs
  segmentBytes?: number
  isAlive?: IsAlive
}

/** A record handed out by {@link Spool.read}. */
export interface SpooledRecord {
  /** Pass to {@link Spool.release} once the lines are acknowledged or reported. */
  seq: number
  precision: WritePrecision
  lineCount: number
  /** The lines joined by `\n`: a view valid until the next `read()`. */
  body: Uint8Array
  /** Offset just past each line in `body`. */
  ends: Uint32Array
}

interface Segment {
  id: number
  path: string
  size: number
  /** Sequence number after its last record. */
  endSeq: number
  /** No record will be added. */
  sealed: boolean
  /** Found when the spool was opened (its damage was counted then). */
  recovered: boolean
}

interface CommitWaiter {
  mark: number
  target: number
  resolve: () => void
  reject: (error: unknown) => void
}

/** Pending bytes past which a writer should wait for the group being written. */
const PENDING_HIGH_WATER = 8 << 20
const MIN_SEGMENT_BYTES = 64 << 10
const MAX_SEGMENT_BYTES = 64 << 20

export class Spool {
  readonly #fs: SpoolFs
  readonly #directory: string
  readonly #maxBytes: number
  readonly #sync: 'write' | number
  readonly #segmentBytes: number
  readonly #releaseLock: () => void
  readonly #segments: Segment[] = []
  readonly #ring = new RecordRing()
  readonly #stats = { recoveredLines: 0, tornTails: 0, tornBytes: 0, corruptRecords: 0, corruptBytes: 0 }
  #active: Segment
  #fd: number
  /** The active segment was opened with O_DSYNC: a write that returned is synced. */
  #writesAreDurable = false
  #diskBytes = 0

  #pending = new Uint8Array(1 << 20)
  #pendingLength = 0
  /** Per pending record: spooled at, line count, size. */
  #pendingRecords: number[] = []
  #spare = new Uint8Array(1 << 20)
  #inFlightBytes = 0
  /** The group being filled; groups before it are written or being written. */
  #groupId = 1
  #completedGroup = 0
  #failures: { group: number; error: Error }[] = []
  #commitWaiters: CommitWaiter[] = []
  #drainWaiters: (() => void)[] = []
  #roomWaiters: { bytes: number; resolve: () => void }[] = []
  #writing = false
  #kickScheduled = false
  #rotationWanted = false
  #dirty = false
  /** With an interval: what was written before this time (ms) is synced. */
  #syncedAt = Date.now()
  #syncing: Promise<void> | undefined
  #syncTimer: ReturnType<typeof setInterval> | undefined
  #idleWaiters: (() => void)[] = []
  #closed = false

  #readIndex = 0
  #reader: { segment: Segment; fd: number; reader: SegmentReader } | undefined
  #readSeq = 0
  #unreadLines = 0

  /** Called when records become readable. */
  onReadable: (() => void) | undefined

  private constructor(options: SpoolOptions, internals: SpoolInternals) {
    this.#fs = internals.fs ?? loadSpoolFs()
    const o = validateSpoolOptions(options)
    this.#directory = o.directory
    this.#maxBytes = o.maxBytes
    this.#sync = o.sync
    this.#segmentBytes =
      internals.segmentBytes ?? Math.min(MAX_SEGMENT_BYTES, Math.max(MIN_SEGMENT_BYTES, Math.floor(o.maxBytes / 16)))
    try {
      this.#releaseLock = acquireLock(this.#fs, this.#directory, internals.isAlive)
    } catch (error) {
      throw asSpoolError(error, `cannot open the spool directory ${this.#directory}`)
    }
    try {
      let lastId = 0
      for (const { id, name } of listSegments(this.#fs, this.#directory)) {
        this.#recover(id, name)
        lastId = id
      }
      const { segment, fd, durable } = this.#createSegment(lastId + 1)
      this.#active = segment
      this.#fd = fd
      this.#writesAreDurable = durable
    } catch (error) {
      this.#releaseLock()
      throw asSpoolError(error, `cannot open the spool directory ${this.#directory}`)
    }
    this.#unreadLines = this.#ring.unreleasedLines
    this.#stats.recoveredLines = this.#ring.unreleasedLines
    if (typeof this.#sync === 'number') {
      this.#syncTimer = setInterval(() => this.#intervalSync(), this.#sync)
      // Syncing must not keep a process alive: close() syncs what is left.
      this.#syncTimer.unref?.()
    }
  }

  /** Opens (and locks) a spool directory; throws {@link SpoolLockedError} when another process has it. */
  static open(options: SpoolOptions, internals: SpoolInternals = {}): Spool {
    return new Spool(options, internals)
  }

  get stats(): SpoolStats {
    const oldest = this.#ring.oldestTime
    return {
      directory: this.#directory,
      bytes: this.#diskBytes + this.#pendingLength + this.#inFlightBytes,
      lines: this.#ring.unreleasedLines,
      oldestLineAt: oldest === undefined ? undefined : new Date(oldest),
      segments: this.#segments.length,
      ...this.#stats,
    }
  }

  /** Lines written to disk and not handed out by {@link read} yet. */
  get unreadLines(): number {
    return this.#unreadLines
  }

  /** A writer waits for room: what is on disk should be sent without waiting for more. */
  get waitingForRoom(): boolean {
    return this.#roomWaiters.length > 0
  }

  /** Records written to disk so far (found when opening included): their sequence numbers are below this. */
  get writtenRecords(): number {
    return this.#ring.end
  }

  /** Records handed out by {@link read} so far, and damaged ones passed over: their sequence numbers are below this. */
  get readRecords(): number {
    return this.#readSeq
  }

  /** Records whose lines were handed out and not released. */
  get outstanding(): number {
    return this.#readSeq - this.#ring.front
  }

  // ---- writing ------------------------------------------------------------------------------

  /**
   * Waits until a record of `lineCount` lines and `bodyBytes` bytes fits within `maxBytes`;
   * `undefined` when it fits now. Writers woken together may pass `maxBytes` by a record each.
   */
  roomFor(lineCount: number, bodyBytes: number): Promise<void> | undefined {
    const bytes = recordSize(lineCount, bodyBytes)
    if (this.hasRoomFor(lineCount, bodyBytes)) return undefined
    // What is in the active segment can only be deleted once it is sealed.
    this.#rotationWanted = true
    this.#kick()
    return new Promise<void>((resolve) => this.#roomWaiters.push({ bytes, resolve }))
  }

  /** A record of `lineCount` lines and `bodyBytes` bytes fits now: {@link roomFor} would not wait. */
  hasRoomFor(lineCount: number, bodyBytes: number): boolean {
    return this.#roomWaiters.length === 0 && this.#fits(recordSize(lineCount, bodyBytes))
  }

  #fits(bytes: number): boolean {
    const used = this.#diskBytes + this.#pendingLength + this.#inFlightBytes
    // A record larger than the whole spool still goes in once the spool is empty.
    return used + bytes <= this.#maxBytes || used === 0
  }

  #wakeRoomWaiters(): void {
    while (this.#roomWaiters.length > 0 && this.#fits(this.#roomWaiters[0].bytes)) {
      this.#roomWaiters.shift()!.resolve()
    }
  }

  /** The group that records appended from now on belong to; pass it to {@link commit}. */
  mark(): number {
    return this.#groupId
  }

  /** Adds a record to the pending group (after {@link roomFor}). The bytes are copied. */
  append(precision: WritePrecision, body: Uint8Array, ends: Uint32Array): void {
    if (this.#closed) throw new SpoolWriteError('the spool is closed', {})
    const size = recordSize(ends.length, body.length)
    if (this.#pendingLength + size > this.#pending.length) {
      const grown = new Uint8Array(Math.max(this.#pending.length * 2, this.#pendingLength + size))
      grown.set(this.#pending.subarray(0, this.#pendingLength))
      this.#pending = grown
    }
    const now = Date.now()
    this.#pendingLength += encodeRecord(this.#pending, this.#pendingLength, precision, body, ends, now)
    this.#pendingRecords.push(now, ends.length, size)
    if (this.#pendingLength >= PENDING_HIGH_WATER) this.#kick()
    else if (!this.#writing && !this.#kickScheduled) {
      // Not at once: the other records of the same write() (appended in the same turn) then join
      // this group and share its sync, instead of waiting for a sync of their own after it.
      this.#kickScheduled = true
      queueMicrotask(() => {
        this.#kickScheduled = false
        this.#kick()
      })
    }
  }

  /** More bytes wait to be written than the high-water mark: {@link drained} would wait. */
  get pendingFull(): boolean {
    return this.#pendingLength >= PENDING_HIGH_WATER
  }

  /** Resolves when the pending bytes are below the high-water mark again; `undefined` when they are. */
  drained(): Promise<void> | undefined {
    if (this.#pendingLength < PENDING_HIGH_WATER) return undefined
    return new Promise<void>((resolve) => this.#drainWaiters.push(resolve))
  }

  /**
   * Resolves once every record appended so far is written (and with `sync: 'write'` synced);
   * rejects with the {@link SpoolWriteError} of a group at or after `mark` that failed.
   */
  commit(mark: number): Promise<void> {
    const target = this.#pendingLength > 0 ? this.#groupId : this.#groupId - 1
    this.#kick()
    return new Promise<void>((resolve, reject) => {
      const waiter = { mark, target, resolve, reject }
      if (target <= this.#completedGroup) this.#settleCommit(waiter)
      else this.#commitWaiters.push(waiter)
    })
  }

  #settleCommit(waiter: CommitWaiter): void {
    const failure = this.#failures.find((f) => f.group >= waiter.mark && f.group <= waiter.target)
    if (failure === undefined) waiter.resolve()
    else waiter.reject(failure.error)
  }

  #kick(): void {
    if (this.#writing || this.#closed) return
    if (this.#pendingLength === 0 && !this.#rotationWanted) return
    this.#writing = true
    void this.#writeLoop()
  }

  async #writeLoop(): Promise<void> {
    while (this.#pendingLength > 0 || this.#rotationWanted) {
      if (this.#pendingLength > 0) await this.#writeGroup()
      // The timer only syncs between writes: writers that never pause are synced here instead,
      // so that a power loss still loses at most the last interval.
      if (typeof this.#sync === 'number' && this.#dirty && Date.now() - this.#syncedAt >= this.#sync)
        await this.#syncWritten()
      if (this.#rotationWanted || this.#active.size >= this.#segmentBytes) {
        this.#rotationWanted = false
        await this.#rotate()
      }
    }
    this.#writing = false
    // Records released while this loop ran could not cut the active segment back then.
    this.#emptyActiveIfReleased()
    const idle = this.#idleWaiters
    this.#idleWaiters = []
    for (const resolve of idle) resolve()
  }

  async #writeGroup(): Promise<void> {
    const group = this.#groupId++
    const buffer = this.#pending
    const length = this.#pendingLength
    const records = this.#pendingRecords
    this.#pending = this.#spare.length >= buffer.length ? this.#spare : new Uint8Array(buffer.length)
    this.#spare = buffer
    this.#pendingLength = 0
    this.#pendingRecords = []
    this.#inFlightBytes = length
    const segment = this.#active
    try {
      await writeFully(this.#fs, this.#fd, buffer, length, segment.size)
      if (this.#sync !== 'write') this.#dirty = true
      else if (!this.#writesAreDurable) await fdatasync(this.#fs, this.#fd)
      segment.size += length
      this.#diskBytes += length
      let lines = 0
      let offset = segment.size - length
      for (let i = 0; i < records.length; i += 3) {
        this.#ring.push(records[i], records[i + 1], offset)
        lines += records[i + 1]
        offset += records[i + 2]
      }
      segment.endSeq = this.#ring.end
      this.#unreadLines += lines
    } catch (error) {
      // The next group is written at the same offset, over whatever part of this one landed.
      try {
        this.#fs.ftruncateSync(this.#fd, segment.size)
      } catch {
        // Overwritten by the next group anyway; a reader never reads past segment.size.
      }
      this.#failures.push({ group, error: asSpoolError(error, `cannot write to the spool in ${this.#directory}`) })
      if (this.#failures.length > 64) this.#failures.shift()
    }
    this.#inFlightBytes = 0
    this.#completedGroup = group
    const waiters = this.#commitWaiters
    this.#commitWaiters = []
    for (const w of waiters) {
      if (w.target <= group) this.#settleCommit(w)
      else this.#commitWaiters.push(w)
    }
    const drained = this.#drainWaiters
    this.#drainWaiters = []
    for (const resolve of drained) resolve()
    this.#wakeRoomWaiters()
    this.onReadable?.()
  }

  /** Seals the active segment (when it holds anything) and starts the next one. */
  async #rotate(): Promise<void> {
    const old = this.#active
    if (old.size === 0) return
    await this.#syncWritten()
    // Not synced: the segment stays active, and the next interval tries again.
    if (this.#dirty) return
    try {
      const { segment, fd, durable } = this.#createSegment(old.id + 1)
      this.#fs.closeSync(this.#fd)
      old.sealed = true
      this.#active = segment
      this.#fd = fd
      this.#writesAreDurable = durable
    } catch {
      // A full disk may refuse the new file: the active segment simply takes the next records.
      return
    }
    this.#deleteReleased()
    this.onReadable?.()
  }

  #createSegment(id: number): { segment: Segment; fd: number; durable: boolean } {
    const path = join(this.#directory, segmentName(id))
    const { fd, durable } = this.#openNewSegment(path)
    // The new file's entry must be durable before records in it count as durable.
    syncDirectory(this.#fs, this.#directory)
    const segment: Segment = { id, path, size: 0, endSeq: this.#ring.end, sealed: false, recovered: false }
    this.#segments.push(segment)
    return { segment, fd, durable }
  }

  /** With `sync: 'write'`, opens with O_DSYNC where the platform and the file system have it. */
  #openNewSegment(path: string): { fd: number; durable: boolean } {
    const flags = this.#sync === 'write' ? durableWriteFlags(this.#fs, globalThis.process?.platform) : undefined
    if (flags === undefined) return { fd: this.#fs.openSync(path, 'wx'), durable: false }
    try {
      return { fd: this.#fs.openSync(path, flags), durable: true }
    } catch (error) {
      // A file system that refuses the flag (EINVAL, EOPNOTSUPP, …) gets write-then-fdatasync
      // instead; any other cause fails the plain open too, and is reported as it was.
      try {
        return { fd: this.#fs.openSync(path, 'wx'), durable: false }
      } catch {
        throw error
      }
    }
  }

  #intervalSync(): void {
    if (!this.#dirty || this.#syncing !== undefined || this.#writing) return
    void this.#syncWritten()
  }

  /** With an interval: syncs what was written to the active segment. A failure leaves it to the next try. */
  async #syncWritten(): Promise<void> {
    if (this.#syncing !== undefined) await this.#syncing
    if (!this.#dirty) return
    const startedAt = Date.now()
    this.#dirty = false
    this.#syncing = fdatasync(this.#fs, this.#fd).then(
      () => {
        this.#syncedAt = startedAt
        this.#syncing = undefined
      },
      () => {
        this.#dirty = true
        this.#syncing = undefined
      },
    )
    await this.#syncing
  }

  // ---- reading ------------------------------------------------------------------------------

  /**
   * The next record written and not read yet, oldest first; `undefined` when there is none now,
   * or when `accept` (given its precision, line count and body bytes) declines it: it is then
   * the next record again.
   */
  read(
    accept?: (precision: WritePrecision, lineCount: number, bodyBytes: number) => boolean,
  ): SpooledRecord | undefined {
    for (;;) {
      const segment = this.#segments[this.#readIndex]
      if (segment === undefined) return undefined
      if (this.#reader === undefined || this.#reader.segment !== segment) {
        if (!segment.sealed && segment.size === 0) return undefined
        const fd = this.#fs.openSync(segment.path, 'r')
        this.#reader = {
          segment,
          fd,
          reader: new SegmentReader(this.#fs, fd, (_kind, _at, bytes) => {
            // Damage in a recovered segment was counted when the spool was opened. In one written
            // by this spool, every record up to its size was whole: a bad one was damaged since.
            if (!segment.recovered) this.#countDamage('corrupt', bytes)
          }),
        }
      }
      const { reader } = this.#reader
      // What lies before segment.size was written whole, in the segment being written too.
      const record = reader.next(segment.size, true)
      if (record !== undefined) {
        const start = reader.position - record.size
        this.#dropDamaged(segment, start)
        if (accept !== undefined && !accept(record.precision, record.lineCount, record.bodyBytes)) {
          reader.rewind(start)
          return undefined
        }
        this.#unreadLines -= record.lineCount
        const buffer = reader.buffer
        return {
          seq: this.#readSeq++,
          precision: record.precision,
          lineCount: record.lineCount,
          body: buffer.subarray(record.bodyAt, record.bodyAt + record.bodyBytes),
          ends: readEnds(buffer, record),
        }
      }
      this.#dropDamaged(segment, segment.size)
      if (!segment.sealed) return undefined
      this.#fs.closeSync(this.#reader.fd)
      this.#reader = undefined
      this.#readIndex++
      this.#deleteReleased()
    }
  }

  /**
   * Records of `segment` that start before `before` and were not handed out: damaged on disk
   * since they were written (their bytes were counted as corrupt). They leave the spool, so that
   * sequence numbers stay those of the records and nothing waits for them.
   */
  #dropDamaged(segment: Segment, before: number): void {
    while (this.#readSeq < segment.endSeq && this.#ring.offsetOf(this.#readSeq) < before) {
      const seq = this.#readSeq++
      this.#unreadLines -= this.#ring.linesOf(seq)
      this.#ring.release(seq)
    }
  }

  /** Record `seq` left the spool (acknowledged, or reported undelivered). */
  release(seq: number): void {
    if (!this.#ring.release(seq)) return
    this.#deleteReleased()
    this.#emptyActiveIfReleased()
  }

  /**
   * Once every record left the spool, the active segment is cut back to nothing: its space
   * comes back at once (on a full disk, that is what lets the next write succeed).
   */
  #emptyActiveIfReleased(): void {
    const active = this.#active
    if (active.size === 0 || this.#ring.front !== this.#ring.end || this.#writing || this.#pendingLength > 0) return
    if (this.#segments[this.#readIndex] !== active) return
    try {
      this.#fs.ftruncateSync(this.#fd, 0)
    } catch {
      // The records stay; sending them again is harmless.
      return
    }
    if (this.#reader?.segment === active) {
      this.#fs.closeSync(this.#reader.fd)
      this.#reader = undefined
    }
    this.#diskBytes -= active.size
    active.size = 0
    this.#wakeRoomWaiters()
  }

  #deleteReleased(): void {
    // A sealed segment read to its end is done with, even before the next read() notices.
    const current = this.#reader
    if (current !== undefined && current.segment.sealed && current.reader.position >= current.segment.size) {
      this.#fs.closeSync(current.fd)
      this.#reader = undefined
      this.#readIndex++
    }
    let deleted = false
    while (this.#readIndex > 0) {
      const segment = this.#segments[0]
      if (!segment.sealed || segment.endSeq > this.#ring.front) break
      try {
        this.#fs.unlinkSync(segment.path)
      } catch (error) {
        if (errorCode(error) !== 'ENOENT') break
      }
      this.#segments.shift()
      this.#readIndex--
      this.#diskBytes -= segment.size
      deleted = true
    }
    if (deleted) this.#wakeRoomWaiters()
  }

  // ---- opening and closing ------------------------------------------------------------------

  #recover(id: number, name: string): void {
    const path = join(this.#directory, name)
    const fd = this.#fs.openSync(path, 'r+')
    let tornAt: number | undefined
    let size: number
    const firstSeq = this.#ring.end
    try {
      size = this.#fs.fstatSync(fd).size
      const reader = new SegmentReader(this.#fs, fd, (kind, at, bytes) => {
        this.#countDamage(kind, bytes)
        if (kind === 'torn') tornAt = at
      })
      for (let record = reader.next(size, true); record !== undefined; record = reader.next(size, true)) {
        this.#ring.push(record.spooledAt, record.lineCount, reader.position - record.size)
      }
      if (tornAt !== undefined && this.#ring.end > firstSeq) {
        this.#fs.ftruncateSync(fd, tornAt)
        this.#fs.fsyncSync(fd)
      }
    } finally {
      this.#fs.closeSync(fd)
    }
    if (this.#ring.end === firstSeq) {
      // Nothing valid in it: nothing to send.
      this.#fs.unlinkSync(path)
      return
    }
    const validSize = tornAt ?? size
    this.#segments.push({ id, path, size: validSize, endSeq: this.#ring.end, sealed: true, recovered: true })
    this.#diskBytes += validSize
  }

  #countDamage(kind: 'corrupt' | 'torn', bytes: number): void {
    if (kind === 'torn') {
      this.#stats.tornTails++
      this.#stats.tornBytes += bytes
    } else {
      this.#stats.corruptRecords++
      this.#stats.corruptBytes += bytes
    }
  }

  /**
   * Writes what is pending, syncs, and releases the lock. Segments that still hold lines stay
   * for the next writer; when every line left the spool, its files are removed.
   */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#kick()
    if (this.#writing) await new Promise<void>((resolve) => this.#idleWaiters.push(resolve))
    this.#closed = true
    clearInterval(this.#syncTimer)
    if (this.#syncing !== undefined) await this.#syncing
    try {
      if (this.#dirty) await fdatasync(this.#fs, this.#fd)
    } finally {
      this.#fs.closeSync(this.#fd)
      if (this.#reader !== undefined) this.#fs.closeSync(this.#reader.fd)
      this.#reader = undefined
      const empty = this.#ring.front === this.#ring.end
      for (const segment of this.#segments) {
        if (empty || segment.size === 0) {
          try {
            this.#fs.unlinkSync(segment.path)
          } catch {
            // Left for the next writer, which finds it empty and removes it.
          }
        }
      }
      this.#releaseLock()
    }
  }
}

function validateSpoolOptions(options: SpoolOptions): Required<SpoolOptions> {
  if (options === null || typeof options !== 'object')
    throw new InvalidArgumentError('spool must be an object with a directory')
  if (typeof options.directory !== 'string' || options.directory === '') {
    throw new InvalidArgumentError('spool.directory must be a non-empty path')
  }
  const maxBytes = options.maxBytes ?? DEFAULT_SPOOL_MAX_BYTES
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) {
    throw new InvalidArgumentError(`spool.maxBytes must be a positive integer, got ${String(options.maxBytes)}`)
  }
  const sync = options.sync ?? 'write'
  if (sync !== 'write' && !(Number.isSafeInteger(sync) && sync >= 1 && sync <= MAX_TIMER_DELAY)) {
    throw new InvalidArgumentError(
      `spool.sync must be 'write' or an interval in ms (1 to ${MAX_TIMER_DELAY}), got ${String(sync)}`,
    )
  }
  return { directory: options.directory, maxBytes, sync }
}

function asSpoolError(error: unknown, what: string): Error {
  if (error instanceof SpoolWriteError || (error as Error | null)?.name === 'SpoolLockedError') return error as Error
  const code = errorCode(error)
  return new SpoolWriteError(`${what}: ${(error as Error)?.message ?? String(error)}`, {
    cause: error,
    errorCode: code,
  })
}
