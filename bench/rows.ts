// The one table of `npm run bench`: each bench prints its rows as `BENCH-ROW {json}` lines, and
// bench/run.ts gathers them from every bench and prints them together at the end.

/** One row: a way of writing, its throughput, its ratio to the official client, its target. */
export interface BenchRow {
  way: string
  /** Points (or lines, rows) per second; for a memory row, undefined. */
  pointsPerSecond?: number
  /** This way against the official client, when there is one to compare with. */
  ratio?: number
  /** The target in words, with the figure it is judged on; '' when there is none. */
  target: string
  /** Whether the target is met; undefined when there is none. */
  met?: boolean
}

export const ROW_PREFIX = 'BENCH-ROW '

/** Prints a row for bench/run.ts to gather. */
export function benchRow(row: BenchRow): void {
  console.log(ROW_PREFIX + JSON.stringify(row))
}
