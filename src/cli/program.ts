/**
 * The `influx-async` command: dispatches to one module per command and turns every failure into a
 * clear message and an exit code (0 ok, 1 failure, 2 usage, 3 some lines refused).
 */
import { createRequire } from 'node:module'
import { UsageError, parseCommand, type CommandSpec, type ParsedCommand } from './args.js'
import { deleteSpec, runDelete } from './commands/delete.js'
import type { CommandIo } from './commands/io.js'
import { pingSpec, runPing } from './commands/ping.js'
import { readSpec, runRead } from './commands/read.js'
import { runServe, serveSpec } from './commands/serve.js'
import { runWrite, writeSpec } from './commands/write.js'
import { Redactor } from '../http/redact.js'
import { commandHelp, programHelp, PROGRAM } from './help.js'
import { EXIT_OK, EXIT_USAGE, reportError } from './report.js'

interface Command {
  spec: CommandSpec
  /** Runs with the parsed command line; `--help` never reaches it. */
  run(parsed: ParsedCommand, io: CommandIo): Promise<number>
}

const COMMANDS: readonly Command[] = [
  { spec: writeSpec, run: runWrite },
  { spec: deleteSpec, run: runDelete },
  { spec: pingSpec, run: runPing },
  { spec: serveSpec, run: runServe },
  { spec: readSpec, run: runRead },
]

/** Runs the command line `argv` (without node and the script) and returns the exit code. */
export async function main(argv: readonly string[], io: Omit<CommandIo, 'setUrl'>): Promise<number> {
  let url: string | undefined
  const debug = argv.includes('--debug')
  let stderr = io.stderr
  try {
    const [name, ...rest] = argv
    if (name === undefined) {
      io.stderr.write(programHelp(COMMANDS.map((c) => c.spec)))
      return EXIT_USAGE
    }
    if (name === '--help' || name === '-h') {
      io.stdout.write(programHelp(COMMANDS.map((c) => c.spec)))
      return EXIT_OK
    }
    if (name === '--version' || name === '-V') {
      io.stdout.write(`${PROGRAM} ${packageVersion()}\n`)
      return EXIT_OK
    }
    if (name === 'help') return help(rest[0], io)
    const command = COMMANDS.find((c) => c.spec.name === name)
    if (command === undefined) {
      const hint = name.startsWith('-')
        ? `expected a command before ${name}`
        : `unknown command ${JSON.stringify(name)}`
      throw new UsageError(`${hint}; commands: ${COMMANDS.map((c) => c.spec.name).join(', ')}`)
    }
    const parsed = parseCommand(command.spec, rest, io.env)
    if (parsed.values.help === true) {
      io.stdout.write(commandHelp(command.spec))
      return EXIT_OK
    }
    // The client already keeps the token out of its errors; this also covers whatever else a
    // command prints on stderr (refused lines, warnings). `serve` prints the token it serves on
    // purpose, on stdout.
    stderr = redactingStream(io.stderr, typeof parsed.values.token === 'string' ? parsed.values.token : undefined)
    return await command.run(parsed, {
      ...io,
      stderr,
      setUrl: (u) => {
        url = u
      },
    })
  } catch (error) {
    return reportError(error, { debug, ...(url === undefined ? {} : { url }), stderr })
  }
}

function redactingStream(stream: CommandIo['stderr'], token: string | undefined): CommandIo['stderr'] {
  if (token === undefined) return stream
  const redactor = new Redactor([token])
  return {
    get isTTY() {
      return stream.isTTY
    },
    get columns() {
      return stream.columns
    },
    write: (text: string): unknown => stream.write(redactor.text(String(text))),
  }
}

function help(name: string | undefined, io: Omit<CommandIo, 'setUrl'>): number {
  if (name === undefined) {
    io.stdout.write(programHelp(COMMANDS.map((c) => c.spec)))
    return EXIT_OK
  }
  const command = COMMANDS.find((c) => c.spec.name === name)
  if (command === undefined) throw new UsageError(`unknown command ${JSON.stringify(name)}`)
  io.stdout.write(commandHelp(command.spec))
  return EXIT_OK
}

function packageVersion(): string {
  // Two levels up from both src/cli and dist/cli.
  const pkg = createRequire(import.meta.url)('../../package.json') as { version: string }
  return pkg.version
}
