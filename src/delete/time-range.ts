/** The `start` and `stop` of a delete, checked and formatted as RFC3339Nano. */
import { InvalidArgumentError } from '../errors.js'
import { formatRfc3339Nano, parseIsoToNanos } from '../line-protocol/time.js'

/** A delete bound: a Date, an RFC 3339 string, or nanoseconds since the epoch. */
export type DeleteTime = Date | string | bigint

/** The earliest and latest instants the server accepts (int64 nanoseconds, minus its sentinels). */
export const MIN_DELETE_NS = -9223372036854775806n
export const MAX_DELETE_NS = 9223372036854775806n

// Exactly what Go's time.Parse(time.RFC3339Nano) takes: a T, seconds, at most nine fraction digits, Z or ±hh:mm.
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/

/** Converts a bound to nanoseconds, refusing anything the server would reject or misread. */
export function deleteTimeToNanos(value: DeleteTime, name: 'start' | 'stop'): bigint {
  let ns: bigint
  if (value instanceof Date) {
    const ms = value.getTime()
    if (Number.isNaN(ms)) throw new InvalidArgumentError(`delete: "${name}" is an invalid Date`)
    ns = BigInt(ms) * 1_000_000n
  } else if (typeof value === 'bigint') {
    ns = value
  } else if (typeof value === 'string') {
    if (!RFC3339.test(value)) {
      throw new InvalidArgumentError(
        `delete: "${name}" ${JSON.stringify(value)} is not RFC 3339, for example 2009-01-02T23:00:00Z or 2009-01-02T23:00:00.123456789+01:00`,
      )
    }
    try {
      ns = parseIsoToNanos(value)
    } catch (error) {
      throw new InvalidArgumentError(`delete: "${name}": ${(error as Error).message}`, { cause: error })
    }
  } else {
    throw new InvalidArgumentError(
      `delete: "${name}" must be a Date, an RFC 3339 string or a bigint of nanoseconds, got ${value === null ? 'null' : typeof value}`,
    )
  }
  if (ns < MIN_DELETE_NS || ns > MAX_DELETE_NS) {
    throw new InvalidArgumentError(
      `delete: "${name}" is outside the range the server accepts (${formatRfc3339Nano(MIN_DELETE_NS)} to ${formatRfc3339Nano(MAX_DELETE_NS)})`,
    )
  }
  return ns
}

/** Both bounds as RFC3339Nano text; `start` after `stop` is refused (it would delete nothing). */
export function formatDeleteRange(start: DeleteTime, stop: DeleteTime): { start: string; stop: string } {
  const from = deleteTimeToNanos(start, 'start')
  const to = deleteTimeToNanos(stop, 'stop')
  if (from > to)
    throw new InvalidArgumentError(
      `delete: "start" (${formatRfc3339Nano(from)}) is after "stop" (${formatRfc3339Nano(to)})`,
    )
  return { start: formatRfc3339Nano(from), stop: formatRfc3339Nano(to) }
}
