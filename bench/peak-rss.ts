// The kernel's peak resident set size of this process.
//
// getrusage's ru_maxrss (process.resourceUsage().maxRSS) is not this process's own figure on Linux: it
// keeps the high-water mark across fork and exec, so a child spawned by a bigger parent reports the
// parent's peak. /proc/self/status's VmHWM belongs to this process's memory alone; elsewhere maxRSS
// is the best there is.
import { readFileSync } from 'node:fs'

/** Peak RSS in bytes. */
export function peakRss(): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))
    if (match !== null) return Number(match[1]) * 1024
  } catch {
    // not Linux: fall through
  }
  return process.resourceUsage().maxRSS * 1024
}
