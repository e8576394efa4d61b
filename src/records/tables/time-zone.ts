/**
 * Reading naive (zone-less) wall-clock times in an IANA time zone, with the zone's real
 * daylight-saving and historical offsets, using only `Intl.DateTimeFormat`.
 *
 * Rules, for a wall-clock time that the zone's clocks
 * - showed once: that instant;
 * - showed twice (the hour repeated when clocks go back): the EARLIER instant, i.e. the
 *   reading before the change (as Temporal's `'compatible'` and Python's `fold=0` do);
 * - never showed (the hour skipped when clocks go forward): no instant; the caller refuses
 *   the value, because moving it silently would write a time nobody recorded.
 */
import { daysFromCivil } from '../../line-protocol/time.js'

const MS_PER_HOUR = 3_600_000
const MS_PER_DAY = 86_400_000
/** Bounds the memo of offsets; a table rarely spans more than a few thousand hours. */
const MAX_CACHED_HOURS = 200_000
/** 1583-01-01T00:00:00Z, the first whole year of the Gregorian calendar. */
const EARLIEST_LOOKUP_MS = -12_212_553_600_000

/** Offsets of one time zone, memoised per UTC hour. */
export class TimeZoneOffsets {
  /** The zone as `Intl` resolved it (canonical spelling). */
  readonly zone: string
  /** True when the zone is UTC at every instant, so that no lookup is needed. */
  readonly isUtc: boolean
  readonly #format: Intl.DateTimeFormat | undefined
  readonly #fixedOffsetMs: number | undefined
  readonly #offsetByHour = new Map<number, number>()

  /**
   * @param zone an IANA zone name (`Europe/Berlin`), `UTC`, or a fixed offset `±HH:MM`.
   * @throws RangeError when the zone is unknown.
   */
  constructor(zone: string) {
    const fixed = parseFixedOffset(zone)
    if (fixed !== undefined) {
      this.zone = zone
      this.#fixedOffsetMs = fixed
      this.isUtc = fixed === 0
      return
    }
    this.#format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      calendar: 'gregory',
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    this.zone = this.#format.resolvedOptions().timeZone
    this.isUtc = this.zone === 'UTC' || this.zone === 'Etc/UTC' || this.zone === 'Etc/GMT' || this.zone === 'GMT'
    if (this.isUtc) this.#fixedOffsetMs = 0
  }

  /** The zone's offset from UTC, in milliseconds, at the UTC instant `utcMs`. */
  offsetAt(utcMs: number): number {
    if (this.#fixedOffsetMs !== undefined) return this.#fixedOffsetMs
    const hour = Math.floor(utcMs / MS_PER_HOUR)
    const cached = this.#offsetByHour.get(hour)
    if (cached !== undefined) return cached
    const start = hour * MS_PER_HOUR
    const atStart = this.#lookUp(start)
    // An hour whose ends agree has no change inside it (no zone changes twice within an hour).
    if (atStart === this.#lookUp(start + MS_PER_HOUR - 1000)) {
      if (this.#offsetByHour.size >= MAX_CACHED_HOURS) this.#offsetByHour.clear()
      this.#offsetByHour.set(hour, atStart)
      return atStart
    }
    return this.#lookUp(utcMs)
  }

  /**
   * The UTC instant (milliseconds) at which the zone's clocks showed the wall-clock time
   * `localMs` (wall-clock fields counted as if they were UTC). Returns the earlier instant
   * for a repeated time and `undefined` for a skipped one.
   */
  toUtc(localMs: number): number | undefined {
    if (this.#fixedOffsetMs !== undefined) return localMs - this.#fixedOffsetMs
    // The offsets in force a day either side cover every change near this time
    // (no zone changes its offset twice within two days).
    const before = this.offsetAt(localMs - MS_PER_DAY)
    const after = this.offsetAt(localMs + MS_PER_DAY)
    let best: number | undefined
    for (const offset of before === after ? [before] : [before, after]) {
      const candidate = localMs - offset
      if (this.offsetAt(candidate) === offset && (best === undefined || candidate < best)) best = candidate
    }
    return best
  }

  #lookUp(utcMs: number): number {
    // ICU's Gregorian calendar is Julian before 1582, so earlier instants read the offset of
    // 1583, which every zone has from its oldest rule (local mean time) onwards.
    const wholeSecondMs = Math.floor(Math.max(utcMs, EARLIEST_LOOKUP_MS) / 1000) * 1000
    const parts: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {}
    for (const part of (this.#format as Intl.DateTimeFormat).formatToParts(wholeSecondMs)) {
      parts[part.type] = Number(part.value)
    }
    const { year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0 } = parts
    const wallMs = daysFromCivil(year, month, day) * MS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1000
    return wallMs - wholeSecondMs
  }
}

const FIXED_OFFSET = /^([+-])(\d{2}):?(\d{2})$/

/** `+05:30` → 19800000; undefined when `zone` is not a fixed offset. */
function parseFixedOffset(zone: string): number | undefined {
  const match = FIXED_OFFSET.exec(zone)
  if (match === null) return undefined
  const hours = Number(match[2])
  const minutes = Number(match[3])
  if (hours > 23 || minutes > 59) throw new RangeError(`invalid UTC offset ${JSON.stringify(zone)}`)
  return (match[1] === '-' ? -1 : 1) * (hours * 60 + minutes) * 60_000
}
