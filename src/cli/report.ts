/**
 * Turns any error into one clear line on stderr and an exit code. Stack traces and causes are
 * shown only with `--debug`. The token is never printed: errors of this package never hold it.
 */
import { InfluxDBError, NetworkError, RequestTimeoutError, UndeliveredLinesError } from '../errors.js'
import { UsageError } from './args.js'
import { PROGRAM } from './help.js'

export const EXIT_OK = 0
export const EXIT_FAILURE = 1
export const EXIT_USAGE = 2
export const EXIT_REJECTED = 3

export interface ReportContext {
  debug: boolean
  /** The server URL, to name it in connection errors. */
  url?: string
  stderr?: { write(text: string): unknown }
}

/** Prints `error` and returns the exit code for it. */
export function reportError(error: unknown, context: ReportContext): number {
  const out = context.stderr ?? process.stderr
  if (error instanceof UsageError) {
    const hint = error.command === undefined ? `${PROGRAM} --help` : `${PROGRAM} ${error.command} --help`
    out.write(`${PROGRAM}: ${error.message}\nRun '${hint}' for usage.\n`)
    return EXIT_USAGE
  }
  out.write(`${PROGRAM}: ${describeError(error, context.url)}\n`)
  if (context.debug) out.write(`${debugDetails(error)}\n`)
  return EXIT_FAILURE
}

/** One line saying what went wrong, in the user's terms. */
export function describeError(error: unknown, url?: string): string {
  if (error instanceof UndeliveredLinesError) {
    const first = error.batches[0]?.reason
    if (first !== undefined) return `${error.lines.length} line(s) not written: ${describeError(first, url)}`
  }
  if (error instanceof NetworkError) {
    return `cannot reach ${url ?? 'the server'}: ${error.errorCode ?? error.message}`
  }
  if (error instanceof RequestTimeoutError) {
    return `${url ?? 'the server'} did not answer within ${error.timeoutMs} ms (raise --timeout)`
  }
  if (error instanceof InfluxDBError) {
    return `the server answered ${error.statusCode}${error.code === undefined ? '' : ` (${error.code})`}: ${error.message}${statusHint(error.statusCode)}`
  }
  if (error instanceof Error) return error.message
  return String(error)
}

function statusHint(status: number): string {
  if (status === 401) return ' (check --token or INFLUX_TOKEN)'
  if (status === 403) return ' (the token lacks permission for this bucket)'
  return ''
}

function debugDetails(error: unknown): string {
  const parts: string[] = []
  let current: unknown = error
  for (let depth = 0; current !== undefined && depth < 5; depth++) {
    if (current instanceof Error) {
      parts.push(depth === 0 ? (current.stack ?? current.message) : `caused by: ${current.stack ?? current.message}`)
      if (current instanceof InfluxDBError && current.body !== '') parts.push(`response body: ${current.body}`)
      current = current.cause
    } else {
      parts.push(`caused by: ${String(current)}`)
      current = undefined
    }
  }
  return parts.join('\n')
}
