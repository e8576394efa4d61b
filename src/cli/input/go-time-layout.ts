/**
 * Reads date-time text by a Go reference layout (`2006-01-02 15:04:05`), the custom `dateTime`
 * formats of `influx write`'s annotated CSV. The layout's reference values name the parts:
 * 2006/06 year, 01/1/Jan/January month, 02/2/_2 day, 15/03/3 hour, 04/4 minute, 05/5 second,
 * .000/.999 (and ,000) fraction, PM/pm, and the zones -0700, -07:00, -07, Z0700, Z07:00, MST.
 * Everything else in the layout must appear as is. The result is exact integer nanoseconds.
 */
import { daysFromCivil, daysInMonth } from '../../line-protocol/time.js'
import { ValueError } from './values.js'

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]

interface Token {
  /** The regular expression for the part. */
  pattern: string
  /** Stores the matched text. */
  set?: (parts: Parts, text: string) => void
}

interface Parts {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
  nanos: bigint
  pm: boolean | undefined
  /** Offset east of UTC in minutes, when the text gives a zone. */
  offset: number | undefined
}

/** Layout elements, longest first so that `2006` is not read as `2` then `006`. */
const ELEMENTS: ReadonlyArray<[string, Token]> = [
  [
    'January',
    {
      pattern: `(${MONTHS.join('|')})`,
      set: (p, t) => {
        p.month = MONTHS.indexOf(t) + 1
      },
    },
  ],
  [
    'Jan',
    {
      pattern: `(${MONTHS.map((m) => m.slice(0, 3)).join('|')})`,
      set: (p, t) => {
        p.month = MONTHS.findIndex((m) => m.startsWith(t)) + 1
      },
    },
  ],
  ['Monday', { pattern: '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)' }],
  ['Mon', { pattern: '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)' }],
  [
    '2006',
    {
      pattern: '([+-]?\\d{4})',
      set: (p, t) => {
        p.year = Number(t)
      },
    },
  ],
  ['Z07:00', { pattern: '(Z|[+-]\\d\\d:\\d\\d)', set: setOffset }],
  ['Z0700', { pattern: '(Z|[+-]\\d{4})', set: setOffset }],
  ['-07:00', { pattern: '([+-]\\d\\d:\\d\\d)', set: setOffset }],
  ['-0700', { pattern: '([+-]\\d{4})', set: setOffset }],
  ['-07', { pattern: '([+-]\\d\\d)', set: setOffset }],
  [
    'MST',
    {
      pattern: '(UTC|GMT|Z)',
      set: (p) => {
        p.offset = 0
      },
    },
  ],
  [
    'PM',
    {
      pattern: '(AM|PM)',
      set: (p, t) => {
        p.pm = t === 'PM'
      },
    },
  ],
  [
    'pm',
    {
      pattern: '(am|pm)',
      set: (p, t) => {
        p.pm = t === 'pm'
      },
    },
  ],
  [
    '_2',
    {
      pattern: ' ?(\\d{1,2})',
      set: (p, t) => {
        p.day = Number(t)
      },
    },
  ],
  [
    '01',
    {
      pattern: '(\\d\\d)',
      set: (p, t) => {
        p.month = Number(t)
      },
    },
  ],
  [
    '02',
    {
      pattern: '(\\d\\d)',
      set: (p, t) => {
        p.day = Number(t)
      },
    },
  ],
  [
    '03',
    {
      pattern: '(\\d\\d)',
      set: (p, t) => {
        p.hour = Number(t)
      },
    },
  ],
  [
    '04',
    {
      pattern: '(\\d\\d)',
      set: (p, t) => {
        p.minute = Number(t)
      },
    },
  ],
  [
    '05',
    {
      pattern: '(\\d\\d)',
      set: (p, t) => {
        p.second = Number(t)
      },
    },
  ],
  [
    '06',
    {
      pattern: '(\\d\\d)',
      set: (p, t) => {
        p.year = 2000 + Number(t) - (Number(t) >= 69 ? 100 : 0)
      },
    },
  ],
  [
    '15',
    {
      pattern: '(\\d\\d?)',
      set: (p, t) => {
        p.hour = Number(t)
      },
    },
  ],
  [
    '1',
    {
      pattern: '(\\d\\d?)',
      set: (p, t) => {
        p.month = Number(t)
      },
    },
  ],
  [
    '2',
    {
      pattern: '(\\d\\d?)',
      set: (p, t) => {
        p.day = Number(t)
      },
    },
  ],
  [
    '3',
    {
      pattern: '(\\d\\d?)',
      set: (p, t) => {
        p.hour = Number(t)
      },
    },
  ],
  [
    '4',
    {
      pattern: '(\\d\\d?)',
      set: (p, t) => {
        p.minute = Number(t)
      },
    },
  ],
  [
    '5',
    {
      pattern: '(\\d\\d?)',
      set: (p, t) => {
        p.second = Number(t)
      },
    },
  ],
]

function setOffset(parts: Parts, text: string): void {
  if (text === 'Z') {
    parts.offset = 0
    return
  }
  const digits = text.slice(1).replace(':', '')
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0')
  parts.offset = text.startsWith('-') ? -minutes : minutes
}

const setFraction = (parts: Parts, text: string): void => {
  parts.nanos = BigInt((text.slice(1) + '000000000').slice(0, 9))
}

/** A compiled layout: a regular expression and the setters of its groups. */
export interface CompiledLayout {
  layout: string
  regex: RegExp
  setters: Array<(parts: Parts, text: string) => void>
  hasZone: boolean
}

const compiled = new Map<string, CompiledLayout>()

/** Compiles a Go layout; throws `ValueError` for a layout that names no date. */
export function compileGoLayout(layout: string): CompiledLayout {
  const known = compiled.get(layout)
  if (known !== undefined) return known
  let pattern = ''
  const setters: CompiledLayout['setters'] = []
  let hasZone = false
  let hasDate = false
  for (let i = 0; i < layout.length;) {
    // A fraction: a separator then 0s (fixed width) or 9s (trailing zeros dropped) after a second.
    const fraction = /^[.,](0+|9+)(?!\d)/.exec(layout.slice(i))
    if (fraction !== null && /5$/.test(layout.slice(0, i))) {
      pattern += fraction[1].startsWith('0') ? `([.,]\\d{${fraction[1].length}})` : '((?:[.,]\\d+)?)'
      setters.push((p, t) => {
        if (t !== '') setFraction(p, t)
      })
      i += fraction[0].length
      continue
    }
    const element = ELEMENTS.find(([name]) => layout.startsWith(name, i))
    if (element === undefined) {
      pattern += escapeRegex(layout[i])
      i++
      continue
    }
    const [name, token] = element
    pattern += token.pattern
    if (token.set !== undefined) setters.push(token.set)
    if (/^[-Z]07|^MST$/.test(name)) hasZone = true
    if (/^(2006|06|01|1|Jan|January|02|2|_2)$/.test(name)) hasDate = true
    // A second directly followed by a fraction in the text although the layout has none: Go accepts it.
    if (name === '05' || name === '5') {
      pattern += '((?:\\.\\d+)?)'
      setters.push((p, t) => {
        if (t !== '') setFraction(p, t)
      })
    }
    i += name.length
  }
  if (!hasDate)
    throw new ValueError(
      `the dateTime format ${JSON.stringify(layout)} has no date in it (a Go layout such as 2006-01-02 15:04:05)`,
    )
  const result = { layout, regex: new RegExp(`^${pattern}$`), setters, hasZone }
  compiled.set(layout, result)
  return result
}

/**
 * Reads `text` by `layout` into wall-clock nanoseconds and the offset the text gives (minutes
 * east of UTC), if any. Throws `ValueError` naming the layout when the text does not fit.
 */
export function parseGoTime(
  text: string,
  layout: CompiledLayout,
): { wallNanos: bigint; offsetMinutes: number | undefined } {
  const match = layout.regex.exec(text)
  if (match === null)
    throw new ValueError(`${JSON.stringify(text)} does not match the dateTime format ${JSON.stringify(layout.layout)}`)
  const parts: Parts = {
    year: 1970,
    month: 1,
    day: 1,
    hour: 0,
    minute: 0,
    second: 0,
    nanos: 0n,
    pm: undefined,
    offset: undefined,
  }
  layout.setters.forEach((set, i) => set(parts, match[i + 1] ?? ''))
  if (parts.pm !== undefined) {
    if (parts.hour < 1 || parts.hour > 12)
      throw new ValueError(`${JSON.stringify(text)}: hour ${parts.hour} with AM/PM`)
    parts.hour = (parts.hour % 12) + (parts.pm ? 12 : 0)
  }
  if (
    parts.month < 1 ||
    parts.month > 12 ||
    parts.day < 1 ||
    parts.day > daysInMonth(parts.year, parts.month) ||
    parts.hour > 23 ||
    parts.minute > 59 ||
    parts.second > 59
  ) {
    throw new ValueError(
      `${JSON.stringify(text)} is not a valid date-time for the format ${JSON.stringify(layout.layout)}`,
    )
  }
  const seconds =
    BigInt(daysFromCivil(parts.year, parts.month, parts.day)) * 86_400n +
    BigInt(parts.hour * 3600 + parts.minute * 60 + parts.second)
  return { wallNanos: seconds * 1_000_000_000n + parts.nanos, offsetMinutes: parts.offset }
}

function escapeRegex(char: string): string {
  return /[\\^$.*+?()[\]{}|]/.test(char) ? `\\${char}` : char
}
