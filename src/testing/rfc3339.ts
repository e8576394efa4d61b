// RFC 3339 times as Go's time.Parse(time.RFC3339Nano, …) reads them, to exact nanoseconds.
// Which texts are accepted is the server's own rule (Go's); only the calendar arithmetic is shared.
import { daysFromCivil, daysInMonth } from '../line-protocol/time.js'

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d+))?(?:Z|([+-])(\d{2}):(\d{2}))$/

/**
 * Nanoseconds since the epoch, or undefined when Go would reject the text. Like Go: `T` and
 * `Z` are upper case, the zone is required, fraction digits beyond nine are truncated, and
 * the hour may have one digit.
 */
export function parseRfc3339Nano(text: string): bigint | undefined {
  const m = RFC3339.exec(text)
  if (m === null) return undefined
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined
  if (hour >= 24 || minute >= 60 || second >= 60) return undefined
  let offsetMinutes = 0
  if (m[8] !== undefined) {
    const hours = Number(m[9])
    const minutes = Number(m[10])
    if (hours > 24 || minutes > 60) return undefined
    offsetMinutes = (m[8] === '-' ? -1 : 1) * (hours * 60 + minutes)
  }
  const fraction = BigInt(((m[7] ?? '') + '000000000').slice(0, 9))
  const seconds =
    BigInt(daysFromCivil(year, month, day)) * 86400n + BigInt(hour * 3600 + minute * 60 + second - offsetMinutes * 60)
  return seconds * 1_000_000_000n + fraction
}
