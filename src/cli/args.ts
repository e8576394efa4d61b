/**
 * Command-line parsing on node:util `parseArgs`, with one spec per command. Flags and environment
 * variables follow the `influx` CLI, with the client's `INFLUXDB_V2_*` names as fallbacks.
 */
import { parseArgs } from 'node:util'

/** A mistake in how the command was called (exit code 2). */
export class UsageError extends Error {
  override name = 'UsageError'
  /** The command whose help to point at, when known. */
  readonly command: string | undefined
  constructor(message: string, command?: string) {
    super(message)
    this.command = command
  }
}

export interface OptionSpec {
  type: 'string' | 'boolean'
  short?: string
  /** Placeholder for the value in help (`--port <port>`). */
  value?: string
  help: string
  /** Environment variables read when the flag is absent, first set wins. */
  env?: readonly string[]
  default?: string
  /** The flag may be repeated; its value is then a list. */
  multiple?: boolean
}

export interface CommandSpec {
  name: string
  summary: string
  /** Positional arguments in the usage line, for example `[file ...]`. */
  positionals?: string
  /** Help text after the options (typing rules, examples). */
  details?: string
  options: Readonly<Record<string, OptionSpec>>
}

/** Flags that every command takes. */
export const GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  help: { type: 'boolean', short: 'h', help: 'Show this help' },
  debug: { type: 'boolean', help: 'Show stack traces and request details on errors' },
}

/** Flags of the commands that talk to a server. */
export const CONNECTION_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  host: { type: 'string', value: 'url', help: 'Server URL', env: ['INFLUX_HOST', 'INFLUX_URL', 'INFLUXDB_V2_URL'], default: 'http://localhost:8086' },
  token: { type: 'string', short: 't', value: 'token', help: 'API token', env: ['INFLUX_TOKEN', 'INFLUXDB_V2_TOKEN'] },
  org: { type: 'string', short: 'o', value: 'name-or-id', help: 'Organization name or ID', env: ['INFLUX_ORG', 'INFLUXDB_V2_ORG'] },
  timeout: { type: 'string', value: 'ms', help: 'Timeout of each request in milliseconds', env: ['INFLUXDB_V2_TIMEOUT'], default: '10000' },
}

/** What a parsed command line holds: flag values (after env and defaults) and positionals. */
export interface ParsedCommand {
  values: Record<string, string | boolean | string[] | undefined>
  positionals: string[]
}

/** Parses `argv` (without the command name) against `spec`; throws {@link UsageError} for bad flags. */
export function parseCommand(spec: CommandSpec, argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ParsedCommand {
  const all = { ...spec.options, ...GLOBAL_OPTIONS }
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {}
  for (const [name, option] of Object.entries(all)) {
    options[name] = { type: option.type, ...(option.short === undefined ? {} : { short: option.short }), ...(option.multiple === true ? { multiple: true } : {}) }
  }
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true })
  } catch (error) {
    throw new UsageError(describeParseError(error), spec.name)
  }
  if (parsed.positionals.length > 0 && spec.positionals === undefined && parsed.values.help !== true) {
    throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[0])}`, spec.name)
  }
  const values: ParsedCommand['values'] = {}
  for (const [name, option] of Object.entries(all)) {
    const given = parsed.values[name]
    if (Array.isArray(given) && option.multiple !== true) throw new UsageError(`--${name} given more than once`, spec.name)
    values[name] = (given as string | boolean | string[] | undefined) ?? fromEnv(option.env, env) ?? option.default
    const empty = Array.isArray(given) ? given.includes('') : given === ''
    if (option.type === 'string' && empty) throw new UsageError(`--${name} needs a non-empty value`, spec.name)
  }
  return { values, positionals: parsed.positionals }
}

function fromEnv(names: readonly string[] | undefined, env: NodeJS.ProcessEnv): string | undefined {
  for (const name of names ?? []) {
    const value = env[name]
    if (value !== undefined && value !== '') return value
  }
  return undefined
}

function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  // Node's messages end with advice about '--' for positionals, which only confuses here.
  return message.split('. To specify a positional argument')[0]?.replace(/\.$/, '') ?? message
}

/** Reads a flag as a positive integer, naming the flag when it is not one. */
export function positiveInteger(values: ParsedCommand['values'], name: string, command: string): number | undefined {
  const raw = values[name]
  if (typeof raw !== 'string') return undefined
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || !Number.isSafeInteger(Number(raw))) {
    throw new UsageError(`--${name} must be a positive integer, got ${JSON.stringify(raw)}`, command)
  }
  return Number(raw)
}

/** Reads a string flag (undefined when absent). */
export function stringValue(values: ParsedCommand['values'], name: string): string | undefined {
  const raw = values[name]
  return typeof raw === 'string' ? raw : undefined
}

/** Reads a string flag that must be present. */
export function requiredString(values: ParsedCommand['values'], name: string, command: string, envHint?: string): string {
  const raw = stringValue(values, name)
  if (raw === undefined) throw new UsageError(`--${name} is required${envHint === undefined ? '' : ` (or set ${envHint})`}`, command)
  return raw
}
