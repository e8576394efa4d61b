/** The unit of the timestamps in a line-protocol body, sent as the `precision` query parameter. */
export type WritePrecision = 'ns' | 'us' | 'ms' | 's'

/** Named constants for {@link WritePrecision}, as InfluxDB's Python client has them. */
export const WritePrecision = {
  /** Nanoseconds. */
  NS: 'ns',
  /** Microseconds. */
  US: 'us',
  /** Milliseconds. */
  MS: 'ms',
  /** Seconds. */
  S: 's',
} as const satisfies Record<string, WritePrecision>

/** Nanoseconds in one unit of each precision. */
export const NANOS_PER_UNIT: Readonly<Record<WritePrecision, bigint>> = {
  ns: 1n,
  us: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
}

/** True for the four precisions that `/api/v2/write` accepts. */
export function isWritePrecision(value: unknown): value is WritePrecision {
  return value === 'ns' || value === 'us' || value === 'ms' || value === 's'
}
