/**
 * The spool directory: segment files named by a zero-padded number and always ordered by that
 * number (never by name), and the lock file that keeps a second process out.
 */
import { join } from './path.js'
import { SpoolLockedError } from '../errors.js'
import { errorCode, syncDirectory, type SpoolFs } from './fs.js'

const SEGMENT_NAME = /^segment-(\d+)\.spool$/
export const LOCK_NAME = 'spool.lock'

/** `segment-00000000000000000042.spool`: twenty digits, so names sort as numbers do too. */
export function segmentName(id: number): string {
  return `segment-${String(id).padStart(20, '0')}.spool`
}

/** The segment files in the directory, oldest first (by number, whatever the padding). */
export function listSegments(fs: SpoolFs, directory: string): { id: number; name: string }[] {
  const found: { id: number; name: string }[] = []
  for (const name of fs.readdirSync(directory)) {
    const match = SEGMENT_NAME.exec(name)
    if (match !== null) found.push({ id: Number(match[1]), name })
  }
  return found.sort((a, b) => a.id - b.id)
}

/** What a process's liveness check answers. */
export type IsAlive = (pid: number) => boolean

export function processIsAlive(pid: number): boolean {
  try {
    globalThis.process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it exists, under another user.
    return errorCode(error) !== 'ESRCH'
  }
}

/**
 * Takes the directory's lock for this process: the lock file holds the pid. A lock whose
 * process is gone is taken over; a live one is a {@link SpoolLockedError} naming its pid.
 * Returns the function that releases it.
 */
export function acquireLock(fs: SpoolFs, directory: string, isAlive: IsAlive = processIsAlive): () => void {
  const pid = globalThis.process.pid
  const lockPath = join(directory, LOCK_NAME)
  // The pid is written to a file of our own first, then linked in place: the lock appears with
  // its content in one step, so nobody ever reads an empty lock.
  const ownPath = join(directory, `${LOCK_NAME}.${pid}`)
  fs.mkdirSync(directory, { recursive: true })
  writeSmallFile(fs, ownPath, `${pid}\n`)
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        fs.linkSync(ownPath, lockPath)
        syncDirectory(fs, directory)
        return () => {
          try {
            fs.unlinkSync(lockPath)
          } catch {
            // Already gone: nothing to release.
          }
        }
      } catch (error) {
        if (errorCode(error) !== 'EEXIST' || attempt > 10) throw error
      }
      const holder = readPid(fs, lockPath)
      if (holder !== undefined && isAlive(holder)) throw new SpoolLockedError(directory, holder)
      // Stale (or unreadable). Renaming it away is atomic: of two processes taking it over at
      // once, one renames it, the other finds it gone or replaced and looks again.
      try {
        fs.renameSync(lockPath, join(directory, `${LOCK_NAME}.stale-${holder ?? 'unknown'}`))
        fs.unlinkSync(join(directory, `${LOCK_NAME}.stale-${holder ?? 'unknown'}`))
      } catch (error) {
        if (errorCode(error) !== 'ENOENT') throw error
      }
    }
  } finally {
    try {
      fs.unlinkSync(ownPath)
    } catch {
      // Nothing to clean.
    }
  }
}

function readPid(fs: SpoolFs, path: string): number | undefined {
  try {
    const text = fs.readFileSync(path, 'utf8').trim()
    const pid = Number(text)
    return /^\d+$/.test(text) && Number.isSafeInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

function writeSmallFile(fs: SpoolFs, path: string, text: string): void {
  const fd = fs.openSync(path, 'w')
  try {
    fs.writeSync(fd, text)
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
}
