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
    return `cannot reach ${url ?? 'the server'}: ${error.errorCode ?? error.message} (is the server running? check --host / INFLUX_HOST)`
  }
  if (error instanceof RequestTimeoutError) {
    return `${url ?? 'the server'} did not answer within ${error.timeoutMs} ms (raise --timeout)`
  }
  if (error instanceof InfluxDBError) return describeAnswer(error)
  if (error instanceof Error) return error.message
  return String(error)
}

/**
 * A server's error answer. The answers that no retry can fix (wrong token, missing permission,
 * unknown bucket or org) say which flag to check.
 */
function describeAnswer(error: InfluxDBError): string {
  switch (error.statusCode) {
    case 401:
      return '401 unauthorized: check --token / INFLUX_TOKEN'
    case 403:
      return `403 forbidden: ${error.message}: the token may not do this here; check --token / INFLUX_TOKEN and the token's permissions`
    case 404:
      return `404 not found: ${error.message}: check ${/\borg/i.test(error.message) ? '--org / --org-id / INFLUX_ORG' : /\bbucket/i.test(error.message) ? '--bucket / --bucket-id / INFLUX_BUCKET' : '--host, --bucket and --org'}`
    default:
      return `the server answered ${error.statusCode}${error.code === undefined ? '' : ` (${error.code})`}: ${error.message}`
  }
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
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a cause that is not an Error is shown as String() shows it
      parts.push(`caused by: ${String(current)}`)
      current = undefined
    }
  }
  return parts.join('\n')
}
