/** The spool's options and statistics, as a BatchWriter's users see them. */

/** Options of a BatchWriter's disk spool (`batchWriter({ spool })`). */
export interface SpoolOptions {
  /**
   * The spool directory, created if missing. One writer uses it at a time (a lock file holds
   * its pid). A writer opened on a directory that still holds lines sends them first.
   */
  directory: string
  /** Largest size of the spool on disk, in bytes: `write()` waits while it is reached. Default 1 GiB. */
  maxBytes?: number
  /**
   * When lines are made durable (fsync):
   * - `'write'` (default): before `write()` resolves; concurrent writes share one fsync.
   *   Whatever `write()` resolved survives a killed process and a power loss.
   * - a number of ms: at that interval. `write()` resolves once its lines are handed to the
   *   operating system: they survive a killed process; a power loss or an operating-system
   *   crash can lose what was written in the last interval.
   */
  sync?: 'write' | number
}

/** What a spool holds and what it found, in {@link BatchWriterStats.spool}. */
export interface SpoolStats {
  /** The spool's directory. */
  directory: string
  /** Bytes of the spool's files on disk, and of lines being written to them. */
  bytes: number
  /** Lines in the spool, not acknowledged by the server nor declared undelivered yet. */
  lines: number
  /** When the oldest of those lines was spooled. */
  oldestLineAt: Date | undefined
  /** Segment files. */
  segments: number
  /** Lines found in the directory when the writer opened it. */
  recoveredLines: number
  /** Incomplete records at the end of a segment (a crash in the middle of an append), dropped. */
  tornTails: number
  /** Bytes of those incomplete records. */
  tornBytes: number
  /** Damaged runs of bytes inside a segment (failed checksum or framing), skipped. */
  corruptRecords: number
  /** Bytes of those damaged runs. */
  corruptBytes: number
}

/** Default {@link SpoolOptions.maxBytes}. */
export const DEFAULT_SPOOL_MAX_BYTES = 1024 * 1024 * 1024
