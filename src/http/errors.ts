/**
 * Turns a non-2xx answer into the error to throw: a {@link PartialWriteError} when the server
 * says it kept some lines and dropped others (1.x, 2.x and 3.x shapes), an {@link InfluxDBError}
 * otherwise.
 */
import { InfluxDBError, PartialWriteError, type RejectedLine, type ResponseHeaders } from '../errors.js'
import { forEachLine } from '../line-protocol/lines.js'

/** The parts of an answer that the error is built from. */
export interface ErrorResponse {
  status: number
  statusText?: string
  headers: ResponseHeaders
  body: string
}

const UNABLE_TO_PARSE = "unable to parse '"
const DROPPED_SUFFIX = / dropped=(\d+)(?: for database: [^\n]*?)?(?: for retention policy: [^\n]*?)?$/

/**
 * Builds the error for a non-2xx answer. `sentBody` is the line-protocol text of a write,
 * used to find the line numbers of lines that the server quotes back.
 */
export function errorFromResponse(response: ErrorResponse, sentBody?: string): InfluxDBError {
  const override =
    response.status >= 300 && response.status < 400
      ? redirectMessage(response)
      : v3ParseErrorMessage(response.body, sentBody)
  const init = {
    statusCode: response.status,
    statusText: response.statusText,
    headers: response.headers,
    body: response.body,
    ...(override !== undefined ? { message: override } : {}),
  }
  const v3 = parseV3PartialWrite(response.body, sentBody)
  if (v3 !== undefined) return new PartialWriteError({ ...init, rejectedLines: v3, dropped: v3.length })
  const probe = new InfluxDBError(init)
  if (!isPartialWriteMessage(response.status, probe.message)) return probe
  const dropped = DROPPED_SUFFIX.exec(probe.message)
  return new PartialWriteError({
    ...init,
    rejectedLines: parseUnableToParse(probe.message, sentBody),
    ...(dropped !== null ? { dropped: Number(dropped[1]) } : {}),
  })
}

function redirectMessage(response: ErrorResponse): string {
  const location = response.headers.location
  const target = location !== undefined && location !== '' ? ` to ${location}` : ''
  return `the server answered HTTP ${response.status} (redirect${target}); redirects are not followed, so that a write is never re-sent as a GET and credentials never leave the configured URL`
}

// 1.x says `partial write: …` with 400, 2.x with 422 (500 before 2.0.4), Cloud with 400 `partial write error (N written)`.
function isPartialWriteMessage(status: number, message: string): boolean {
  return (status === 400 || status === 422 || status === 500) && /\bpartial write\b/.test(message)
}

/**
 * 3.x rejects a whole body with `{"error":"line protocol parsing error","data":{original_line,line_number,error_message}}`;
 * the bare `error` says nothing about which line, so the message names it.
 */
function v3ParseErrorMessage(body: string, sentBody: string | undefined): string | undefined {
  if (!body.includes('"data"') || !body.includes('"error"')) return undefined
  let value: unknown
  try {
    value = JSON.parse(body)
  } catch {
    return undefined
  }
  const { error, data } = (value ?? {}) as { error?: unknown; data?: unknown }
  if (typeof error !== 'string' || data === null || typeof data !== 'object' || Array.isArray(data)) return undefined
  const detail = data as Record<string, unknown>
  if (typeof detail.error_message !== 'string') return undefined
  const where = typeof detail.line_number === 'number' ? ` at line ${detail.line_number}` : ''
  const original = fullLine(detail.line_number, detail.original_line, sentBody)
  const line = original !== undefined ? ` (${JSON.stringify(original)})` : ''
  return `${error}${where}${line}: ${detail.error_message}`
}

/**
 * 3.x `/api/v3/write_lp`: `{"error":"partial write of line protocol occurred","data":[{original_line,line_number,error_message}]}`.
 * 3.x cuts `original_line` to 20 bytes, so each line is taken whole from the sent body by its number.
 */
function parseV3PartialWrite(body: string, sentBody: string | undefined): RejectedLine[] | undefined {
  if (!body.includes('partial write of line protocol')) return undefined
  let value: unknown
  try {
    value = JSON.parse(body)
  } catch {
    return undefined
  }
  if (value === null || typeof value !== 'object') return undefined
  const data = (value as { data?: unknown }).data
  if (!Array.isArray(data)) return undefined
  const lines = sentBody === undefined ? undefined : nonBlankLines(sentBody)
  return data.map((entry: unknown): RejectedLine => {
    const item = (entry ?? {}) as Record<string, unknown>
    const rejected: RejectedLine = {
      reason: typeof item.error_message === 'string' ? item.error_message : 'rejected by the server',
    }
    if (typeof item.line_number === 'number') rejected.lineNumber = item.line_number
    const line = fullLine(item.line_number, item.original_line, lines)
    if (line !== undefined) rejected.line = line
    return rejected
  })
}

/**
 * The sent line that 3.x numbers `lineNumber` (1-based, counting the lines it parses: blank ones
 * are skipped), when the server's (possibly cut) `original_line` starts it; else what the server gave.
 */
function fullLine(
  lineNumber: unknown,
  original: unknown,
  sent: string | readonly string[] | undefined,
): string | undefined {
  const given = typeof original === 'string' ? original : undefined
  if (typeof lineNumber !== 'number' || sent === undefined) return given
  const lines = typeof sent === 'string' ? nonBlankLines(sent) : sent
  const candidate = lines[lineNumber - 1]
  if (candidate === undefined) return given
  if (given === undefined || candidate.startsWith(given) || candidate.replace(LEADING_BLANKS, '').startsWith(given))
    return candidate
  return given
}

function nonBlankLines(body: string): string[] {
  const lines: string[] = []
  forEachLine(body, (line) => {
    if (line.trim() !== '') lines.push(line)
  })
  return lines
}

/**
 * Reads every `unable to parse '<line>': <reason>` of a 1.x/2.x message. A line may itself
 * contain `': ` or even `unable to parse '`, so when the sent body is known the quoted text is
 * matched against the sent lines first (the longest sent line that fits wins), and the next
 * entry is looked for only after it.
 */
export function parseUnableToParse(message: string, sentBody?: string): RejectedLine[] {
  const sentLines = indexSentLines(sentBody)
  const entries: RejectedLine[] = []
  for (let start = nextEntry(message, 0); start !== -1;) {
    const textStart = start + UNABLE_TO_PARSE.length
    const matched = matchSentLine(message, textStart, sentLines)
    const next = nextEntry(message, matched === undefined ? textStart : textStart + matched.quotedLength + 3)
    const segment = message.slice(textStart, next === -1 ? message.length : next)
    const separator = matched !== undefined ? matched.quotedLength : segment.indexOf("': ")
    const rejected: RejectedLine = { reason: cleanReason(separator === -1 ? segment : segment.slice(separator + 3)) }
    if (matched !== undefined) {
      rejected.line = matched.sent.line
      rejected.lineNumber = matched.sent.lineNumber
    } else if (separator !== -1) {
      rejected.line = segment.slice(0, separator)
    }
    entries.push(rejected)
    start = next
  }
  return entries
}

/**
 * Where the next entry starts, from `from`: an `unable to parse '` at the start of the message, after
 * a line feed (entries are joined by them) or after `: ` (`partial write: `, `… (2 written): `).
 * One inside a line's own text (`s="unable to parse '…"`) starts nothing.
 */
function nextEntry(message: string, from: number): number {
  for (let at = message.indexOf(UNABLE_TO_PARSE, from); at !== -1; at = message.indexOf(UNABLE_TO_PARSE, at + 1)) {
    if (at === 0 || message.charCodeAt(at - 1) === 10 || message.endsWith(': ', at)) return at
  }
  return -1
}

function cleanReason(text: string): string {
  return text.replace(/\n$/, '').replace(DROPPED_SUFFIX, '').trim()
}

/** A sent line and its 1-based position in the body. */
interface SentLine {
  line: string
  lineNumber: number
  /** Claimed by a report already (a line is found by its text and by its text without leading blanks). */
  claimed: boolean
}

/** The sent lines of one text, in body order; `next` skips those already claimed. */
interface SameText {
  lines: SentLine[]
  next: number
}

/** Sent lines by the text a server quotes back for them, and the longest such text. */
interface SentIndex {
  byText: Map<string, SameText>
  longest: number
}

/**
 * Sent lines by the text a server quotes back for them, in body order. Lines are cut the way
 * the server reads the body (a line feed inside a quoted string value does not end a line), and
 * each is also found without its leading blanks, which the server skips before it quotes a line.
 */
function indexSentLines(sentBody: string | undefined): SentIndex {
  const index: SentIndex = { byText: new Map(), longest: -1 }
  if (sentBody === undefined) return index
  const add = (key: string, sent: SentLine): void => {
    const same = index.byText.get(key)
    if (same === undefined) index.byText.set(key, { lines: [sent], next: 0 })
    else same.lines.push(sent)
    if (key.length > index.longest) index.longest = key.length
  }
  let lineNumber = 0
  forEachLine(sentBody, (line) => {
    const sent: SentLine = { line, lineNumber: ++lineNumber, claimed: false }
    add(line, sent)
    const trimmed = line.replace(LEADING_BLANKS, '')
    if (trimmed !== line) add(trimmed, sent)
  })
  return index
}

const LEADING_BLANKS = /^[ \t]+/

/**
 * The sent line quoted at `textStart` of `message` (its text, then `': `), not yet claimed; the
 * longest quote wins. Only quotes up to the longest sent line are tried, so that each entry
 * costs the length of a line, not of the rest of the message.
 */
function matchSentLine(
  message: string,
  textStart: number,
  sent: SentIndex,
): { sent: SentLine; quotedLength: number } | undefined {
  let best: { same: SameText; quotedLength: number } | undefined
  for (
    let at = message.indexOf("': ", textStart);
    at !== -1 && at - textStart <= sent.longest;
    at = message.indexOf("': ", at + 1)
  ) {
    const same = sent.byText.get(message.slice(textStart, at))
    if (same === undefined) continue
    while (same.next < same.lines.length && same.lines[same.next].claimed) same.next++
    if (same.next < same.lines.length) best = { same, quotedLength: at - textStart }
  }
  if (best === undefined) return undefined
  const line = best.same.lines[best.same.next]
  line.claimed = true
  return { sent: line, quotedLength: best.quotedLength }
}
