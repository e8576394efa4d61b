/**
 * Calendar arithmetic on the proleptic Gregorian calendar, independent of `Date` (whose
 * `Date.UTC` maps the years 0-99 to 1900-1999 and whose range ends at ±275760 years).
 */

/** Days from 1970-01-01 to the given civil date (month 1-12). Exact for any integer year. */
export function daysFromCivil(year: number, month: number, day: number): number {
  // Counts from 0000-03-01 so that the leap day is the last day of its "year".
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yearOfEra = y - era * 400
  const shiftedMonth = month > 2 ? month - 3 : month + 9
  const dayOfYear = Math.floor((153 * shiftedMonth + 2) / 5) + day - 1
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear
  return era * 146097 + dayOfEra - 719468
}

/** Days in a month of the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}
