// Runs each case of a benchmark in fresh processes of its own, the cases interleaved round by
// round, and keeps the median per case. In one process for everything, a case's figure depended
// on what ran before it: the garbage of another client's case, and V8's per-process decisions
// (such as allocating a hot site straight in the old generation), slowed the next case by up to
// 2x in some runs and not in others.
//
// The benchmark file is both sides: without BENCH_CASE it is the parent and calls
// runIsolated(); with it, it is a child that runs that one case and calls reportChild().
import { spawnSync } from 'node:child_process'

/** The case this process must run, when it is a child. */
export const childCase: string | undefined = process.env.BENCH_CASE

/** In a child: hands the case's CPU milliseconds to the parent. */
export function reportChild(ms: number): void {
  console.log(JSON.stringify({ ms }))
}

/** The middle value; for an even count, the mean of the two middle ones. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/**
 * Runs `file` once per case and round as a child (`node --expose-gc --import tsx file ...args`
 * with BENCH_CASE set). Returns every case's CPU milliseconds, in round order.
 */
export function runIsolated(
  file: string,
  names: readonly string[],
  rounds: number,
  args: readonly string[],
): Map<string, number[]> {
  const times = new Map<string, number[]>(names.map((name) => [name, []]))
  for (let round = 0; round < rounds; round++) {
    for (const name of names) {
      const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', file, ...args], {
        encoding: 'utf8',
        env: { ...process.env, BENCH_CASE: name },
        maxBuffer: 16 << 20,
      })
      if (child.status !== 0) throw new Error(`case ${name} failed (${child.status ?? child.signal}):\n${child.stderr}`)
      const { ms } = JSON.parse(child.stdout.trim().split('\n').pop() as string) as { ms: number }
      ;(times.get(name) as number[]).push(ms)
    }
  }
  return times
}

/** One line per case: the median, the rate, and every process's figure. */
export function printMedians(times: Map<string, number[]>, count: number, unit: string): void {
  for (const [name, all] of times) {
    const ms = median(all)
    const rate = count / (ms / 1000)
    console.log(
      `${name.padEnd(52)} ${ms.toFixed(0).padStart(6)} ms  ${(rate / 1e3).toFixed(0).padStart(6)}k ${unit}/s   (${all.map((t) => t.toFixed(0)).join(' ')})`,
    )
  }
}
