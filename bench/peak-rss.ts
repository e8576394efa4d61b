// The kernel's peak resident set size of this process.
//
// getrusage's ru_maxrss (process.resourceUsage().maxRSS) is not this process's own figure on Linux: it
// keeps the high-water mark across fork and exec, so a child spawned by a bigger parent reports the
// parent's peak. /proc/self/status's VmHWM belongs to this process's memory alone; elsewhere maxRSS
// is the best there is.
import { readFileSync } from 'node:fs'
import { getHeapSpaceStatistics } from 'node:v8'

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

/**
 * The space V8's young generation takes now (both semi-spaces). V8 grows it with the bytes that
 * survive its scavenges, up to a cap set by the Node version (`--max-semi-space-size`; Node 24's
 * is four times Node 22's), so a process that keeps a few MB of young objects alive across each
 * scavenge ends near that cap whatever the library does. Printed beside a peak RSS to show how
 * much of it is that.
 */
export function youngGenerationBytes(): number {
  const space = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')
  return space?.space_size ?? 0
}
