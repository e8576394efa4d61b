/** Help texts, rendered from the command specs so that they never drift from what is parsed. */
import { GLOBAL_OPTIONS, type CommandSpec, type OptionSpec } from './args.js'

export const PROGRAM = 'influx-async'

export const EXIT_CODES_HELP = `Exit codes:
  0  success
  1  failure (a fatal server answer, unreachable server, unreadable input,
     or every point refused)
  2  usage error (unknown command or flag, bad flag value)
  3  write finished: some points written, some lines or rows refused (see --errors-file)`

/** The help of one command. */
export function commandHelp(spec: CommandSpec): string {
  const lines = [
    `Usage: ${PROGRAM} ${spec.name} [options]${spec.positionals === undefined ? '' : ` ${spec.positionals}`}`,
    '',
    spec.summary,
    '',
    'Options:',
    ...renderOptions({ ...spec.options, ...GLOBAL_OPTIONS }),
  ]
  if (spec.details !== undefined) lines.push('', spec.details)
  return `${lines.join('\n')}\n`
}

/** The top-level help listing every command. */
export function programHelp(commands: readonly CommandSpec[]): string {
  const width = Math.max(...commands.map((c) => c.name.length))
  return [
    `Usage: ${PROGRAM} <command> [options]`,
    '',
    'Write line protocol, CSV or NDJSON to InfluxDB, delete data, check a server, or run an embedded one.',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    `Run '${PROGRAM} <command> --help' for the options of a command.`,
    '',
    EXIT_CODES_HELP,
    '',
  ].join('\n')
}

function renderOptions(options: Readonly<Record<string, OptionSpec>>): string[] {
  const heads = Object.entries(options).map(([name, o]) => {
    const short = o.short === undefined ? '    ' : `-${o.short}, `
    return [`  ${short}--${name}${o.value === undefined ? '' : ` <${o.value}>`}`, o] as const
  })
  const width = Math.max(...heads.map(([head]) => head.length))
  return heads.map(([head, o]) => {
    const extras: string[] = []
    if (o.env !== undefined) extras.push(`env ${o.env.join(', ')}`)
    if (o.default !== undefined) extras.push(`default ${o.default}`)
    return `${head.padEnd(width)}  ${o.help}${extras.length === 0 ? '' : ` [${extras.join('; ')}]`}`
  })
}
