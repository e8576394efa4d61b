/** `influx-async ping`: checks that the server answers. */
import { CONNECTION_OPTIONS, type CommandSpec, type ParsedCommand } from '../args.js'
import { connectionFrom, createClient } from '../connection.js'
import { EXIT_OK } from '../report.js'
import type { CommandIo } from './io.js'

export const pingSpec: CommandSpec = {
  name: 'ping',
  summary: 'Check that the server answers',
  options: { ...CONNECTION_OPTIONS },
  details: 'Prints "OK <url>" and exits 0 when the server answers /ping, else explains why and exits 1.',
}

export async function runPing(parsed: ParsedCommand, io: CommandIo): Promise<number> {
  const connection = connectionFrom(parsed, 'ping', io.stderr)
  io.setUrl(connection.url)
  const client = createClient(connection)
  try {
    await client.ping()
  } finally {
    await client.close()
  }
  io.stdout.write(`OK ${connection.url}\n`)
  return EXIT_OK
}
