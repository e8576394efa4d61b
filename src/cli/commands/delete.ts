/** `influx-async delete`: deletes points in a time range, optionally matching a predicate. */
import { validatePredicate } from '../../delete/predicate.js'
import { formatDeleteRange } from '../../delete/time-range.js'
import { InvalidArgumentError } from '../../errors.js'
import {
  CONNECTION_OPTIONS,
  UsageError,
  requiredString,
  stringValue,
  type CommandSpec,
  type ParsedCommand,
} from '../args.js'
import { bucketTarget, createClient, ID_OPTIONS } from '../connection.js'
import { EXIT_OK } from '../report.js'
import type { CommandIo } from './io.js'

export const deleteSpec: CommandSpec = {
  name: 'delete',
  summary: 'Delete points in a time range, optionally matching a predicate',
  options: {
    ...CONNECTION_OPTIONS,
    bucket: {
      type: 'string',
      short: 'b',
      value: 'name-or-id',
      help: 'Bucket to delete from (required)',
      env: ['INFLUX_BUCKET'],
    },
    ...ID_OPTIONS,
    start: { type: 'string', value: 'time', help: 'Start of the range, inclusive, RFC 3339 (required)' },
    stop: { type: 'string', value: 'time', help: 'End of the range, inclusive, RFC 3339 (required)' },
    predicate: {
      type: 'string',
      short: 'p',
      value: 'expr',
      help: 'Which points, e.g. \'_measurement="h2o" AND location="us-west"\' (default: all)',
    },
  },
  details: `Examples:
  influx-async delete -b my-bucket --start 1970-01-01T00:00:00Z --stop 2030-01-01T00:00:00Z
  influx-async delete -b my-bucket --start 2024-01-01T00:00:00Z --stop 2024-02-01T00:00:00Z \\
      --predicate '_measurement="h2o_feet" AND location="us-west"'`,
}

export async function runDelete(parsed: ParsedCommand, io: CommandIo): Promise<number> {
  const { values } = parsed
  const { connection, bucket } = bucketTarget(parsed, 'delete', (url) => io.setUrl(url), io.stderr)
  const start = requiredString(values, 'start', 'delete')
  const stop = requiredString(values, 'stop', 'delete')
  const predicate = stringValue(values, 'predicate') ?? ''
  // The delete API checks these too, but only after the ping: a bad flag would then read as an
  // unreachable server or a failed request (exit 1) rather than a usage error (exit 2).
  try {
    formatDeleteRange(start, stop)
    validatePredicate(predicate)
  } catch (error) {
    if (error instanceof InvalidArgumentError) throw new UsageError(inFlagTerms(error.message), 'delete')
    throw error
  }
  const client = createClient(connection)
  try {
    // A dead server fails here at once, instead of after the retry budget.
    await client.ping()
    await client.deleteApi().delete(start, stop, predicate, bucket, connection.org)
  } finally {
    await client.close()
  }
  const what = predicate === '' ? 'every point' : `points matching ${predicate}`
  io.stdout.write(`deleted ${what} from ${start} to ${stop} in bucket ${bucket}\n`)
  return EXIT_OK
}

/** The library's message for a bad argument, naming the flags instead of its parameters. */
function inFlagTerms(message: string): string {
  return message
    .replace(/^delete: "(start|stop)": time: /, '--$1 ')
    .replace(/^delete: "(start|stop)"/, '--$1')
    .replace(/ is after "stop"/, ' is after --stop')
    .replace(/^predicate: /, '--predicate: ')
}
