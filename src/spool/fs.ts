/**
 * The file system the spool uses: node:fs, which Node, Bun and Deno all provide, loaded without
 * a static import so that the package still loads in runtimes without one (browsers, workers);
 * only opening a spool there fails. Tests hand in a wrapped copy to inject failures.
 */
import type * as NodeFs from 'node:fs'
import { builtinModule } from '../builtin-module.js'
import { InvalidArgumentError } from '../errors.js'

/** The node:fs functions the spool calls. */
export type SpoolFs = Pick<
  typeof NodeFs,
  | 'openSync'
  | 'closeSync'
  | 'readSync'
  | 'writeSync'
  | 'fstatSync'
  | 'ftruncateSync'
  | 'fsyncSync'
  | 'fdatasyncSync'
  | 'unlinkSync'
  | 'readdirSync'
  | 'mkdirSync'
  | 'readFileSync'
  | 'renameSync'
  | 'linkSync'
  | 'write'
  | 'fdatasync'
  | 'constants'
>

export function loadSpoolFs(): SpoolFs {
  const fs = builtinModule<SpoolFs>('node:fs')
  if (fs === undefined)
    throw new InvalidArgumentError('a spool needs node:fs (Node, Bun or Deno); this runtime has none')
  return fs
}

/** Writes all of `bytes[0, length)` at `position`, continuing after short writes. */
export function writeFully(
  fs: SpoolFs,
  fd: number,
  bytes: Uint8Array,
  length: number,
  position: number,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const step = (offset: number): void => {
      if (offset >= length) return resolve()
      fs.write(fd, bytes, offset, length - offset, position + offset, (error, written) => {
        if (error) reject(error)
        else if (written === 0) reject(Object.assign(new Error('write wrote no byte'), { code: 'EIO' }))
        else step(offset + written)
      })
    }
    step(0)
  })
}

/**
 * Flags that create a new segment whose every write returns only once its bytes are durable, as
 * if followed by fdatasync: one round trip to the thread pool per group instead of two, which on
 * a busy machine is much of the wait. Linux only: there O_DSYNC flushes the disk's cache as
 * fdatasync does, while on macOS only fdatasync does (Node makes it F_FULLFSYNC), and Windows has
 * no O_DSYNC. `undefined` where write-then-fdatasync must stay.
 */
export function durableWriteFlags(fs: SpoolFs, platform: string | undefined): number | undefined {
  if (platform !== 'linux') return undefined
  const c = fs.constants as Partial<typeof fs.constants> | undefined
  const { O_WRONLY, O_CREAT, O_EXCL, O_DSYNC } = c ?? {}
  if (O_WRONLY === undefined || O_CREAT === undefined || O_EXCL === undefined || !O_DSYNC) return undefined
  return O_WRONLY | O_CREAT | O_EXCL | O_DSYNC
}

export function fdatasync(fs: SpoolFs, fd: number): Promise<void> {
  return new Promise<void>((resolve, reject) => fs.fdatasync(fd, (error) => (error ? reject(error) : resolve())))
}

/** Makes a directory entry (a created or removed file) durable; not every platform can. */
export function syncDirectory(fs: SpoolFs, directory: string): void {
  let fd: number | undefined
  try {
    fd = fs.openSync(directory, 'r')
    fs.fsyncSync(fd)
  } catch {
    // Windows cannot open a directory; its file systems journal the entry themselves.
  } finally {
    if (fd !== undefined) fs.closeSync(fd)
  }
}

export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}
