// RFC 3339 times as Go's time.Parse(time.RFC3339Nano, …) reads them, to exact nanoseconds.

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d+))?(?:Z|([+-])(\d{2}):(\d{2}))$/

/**
 * Nanoseconds since the epoch, or undefined when Go would reject the text. Like Go: `T` and
 * `Z` are upper case, the zone is required, fraction digits beyond nine are truncated, and
 * the hour may have one digit.
 */
export function parseRfc3339Nano(text: string): bigint | undefined {
  const m = RFC3339.exec(text)
  if (m === null) return undefined
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number]
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
  const seconds = BigInt(daysFromCivil(year, month, day)) * 86400n + BigInt(hour * 3600 + minute * 60 + second - offsetMinutes * 60)
  return seconds * 1_000_000_000n + fraction
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28
  return [4, 6, 9, 11].includes(month) ? 30 : 31
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}
