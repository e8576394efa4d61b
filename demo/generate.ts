/** The demo's generated stream: `cpu,host=host-<i % 10> usage=<float>` one point per second. */

/** 2024-01-01T00:00:00Z in seconds. */
export const START_SECONDS = 1_704_067_200n
export const HOSTS = 10

/** Yields `total` line-protocol lines in arrays of `perBatch`, one second apart (precision s). */
// eslint-disable-next-line @typescript-eslint/require-await -- an async source on purpose, with nothing to wait for
export async function* generateCpuLines(total: number, perBatch = 10_000): AsyncGenerator<string[]> {
  for (let start = 0; start < total; start += perBatch) {
    const end = Math.min(total, start + perBatch)
    const lines = new Array<string>(end - start)
    for (let i = start; i < end; i++) {
      lines[i - start] = `cpu,host=host-${i % HOSTS} usage=${usage(i)} ${START_SECONDS + BigInt(i)}`
    }
    yield lines
  }
}

/** A deterministic, non-integer value so the field is clearly a float. */
function usage(i: number): number {
  return ((i * 7919) % 10_000) / 100 + 0.5
}

/** RFC 3339 text of the `i`-th generated point's time. */
export function timeOfPoint(i: number): string {
  return new Date(Number(START_SECONDS + BigInt(i)) * 1000).toISOString().replace('.000Z', 'Z')
}
