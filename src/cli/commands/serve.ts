/**
 * `influx-async serve`: runs the embedded InfluxDB-compatible server until SIGINT or SIGTERM,
 * then closes it (which persists the data when `--data` is given).
 */
import { randomBytes } from 'node:crypto'
import { UsageError, stringValue, type CommandSpec, type ParsedCommand } from '../args.js'
import { EXIT_OK } from '../report.js'
import type { CommandIo } from './io.js'

export const serveSpec: CommandSpec = {
  name: 'serve',
  summary: 'Run the embedded InfluxDB-compatible server (in memory, optionally persisted)',
  options: {
    port: { type: 'string', value: 'port', help: 'Port on 127.0.0.1 (0 picks a free one)', default: '8086' },
    token: {
      type: 'string',
      short: 't',
      value: 'token',
      help: 'Token clients must send (default: a random one)',
      env: ['INFLUX_TOKEN'],
    },
    org: { type: 'string', short: 'o', value: 'name', help: 'Organization', env: ['INFLUX_ORG'], default: 'my-org' },
    bucket: {
      type: 'string',
      short: 'b',
      value: 'name',
      help: 'Bucket to create',
      env: ['INFLUX_BUCKET'],
      default: 'my-bucket',
    },
    data: {
      type: 'string',
      value: 'file',
      help: 'Journal file: replayed at start, every change appended to it (name it *.journal)',
    },
  },
  details: `Stops cleanly on Ctrl-C (SIGINT) or SIGTERM.

Example:
  influx-async serve --port 8086 --data ./influx-data.journal
  # in another shell, with the printed variables exported:
  influx-async write -b my-bucket data.lp
  influx-async read -b my-bucket --limit 10

The --data file is a journal, not JSON: each change is one JSON line (write, delete,
bucket) followed, for a write, by the line protocol it stored. Every change is
appended as it happens, so nothing is lost on a crash; the file is replayed at start.
A name ending in .json, .jsonl or .ndjson is refused, since the file is none of those.`,
}

/** Resolves when a signal has stopped the server. */
export async function runServe({ values }: ParsedCommand, io: CommandIo): Promise<number> {
  const portText = stringValue(values, 'port') as string
  const port = Number(portText)
  if (!/^\d+$/.test(portText) || port > 65535)
    throw new UsageError(`--port must be 0 to 65535, got ${JSON.stringify(portText)}`, 'serve')
  const token = stringValue(values, 'token') ?? randomBytes(18).toString('base64url')
  const org = stringValue(values, 'org') as string
  const bucket = stringValue(values, 'bucket') as string
  const data = stringValue(values, 'data')
  if (data !== undefined && /\.(json|jsonl|ndjson)$/i.test(data)) {
    throw new UsageError(
      `--data ${data}: the data file is a journal of changes and line protocol, not JSON; name it for example ${data.replace(/\.(json|jsonl|ndjson)$/i, '.journal')}`,
      'serve',
    )
  }
  // Loaded only here, so that the other commands do not pay for the server's code.
  const { startTestServer } = await import('../../testing/index.js')
  let server
  try {
    server = await startTestServer({
      port,
      token,
      org,
      buckets: [bucket],
      ...(data === undefined ? {} : { persistPath: data }),
    })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new Error(`port ${port} is already in use; choose another with --port (0 picks a free one)`, {
        cause: error,
      })
    throw error
  }
  io.stdout.write(
    [
      `embedded InfluxDB listening on ${server.url}`,
      `  org:    ${org}`,
      `  bucket: ${bucket}`,
      `  token:  ${token}`,
      ...(data === undefined
        ? ['  data:   in memory only (use --data <file>.journal to keep it)']
        : [`  data:   ${data} (journal, appended as changes happen)`]),
      'Use it with:',
      `  export INFLUX_HOST=${server.url} INFLUX_TOKEN=${token} INFLUX_ORG=${org} INFLUX_BUCKET=${bucket}`,
      `  influx-async read -b ${bucket} --limit 10    # what it holds, as NDJSON`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  )
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    const stop = (received: NodeJS.Signals): void => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolve(received)
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
  await server.close()
  io.stdout.write(`${signal}: server stopped${data === undefined ? '' : `, data saved to ${data}`}\n`)
  return EXIT_OK
}
