/**
 * Command-line parsing on node:util `parseArgs`, with one spec per command. Flags and environment
 * variables follow the `influx` CLI, with the client's `INFLUXDB_V2_*` names as fallbacks, and so
 * does the order in which a value is looked for: the flag, then the environment, then the active
 * profile of the `influx` CLI's configs file, then the default.
 */
import { parseArgs } from 'node:util'
import { defaultConfigsPath, loadProfile, ProfileError, type ConfigProfile } from './config-profiles.js'

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
  /** The key of a configs-file profile read when neither the flag nor the environment sets it. */
  profileKey?: 'url' | 'token' | 'org'
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
  host: {
    type: 'string',
    value: 'url',
    help: 'Server URL',
    env: ['INFLUX_HOST', 'INFLUX_URL', 'INFLUXDB_V2_URL'],
    default: 'http://localhost:8086',
    profileKey: 'url',
  },
  token: {
    type: 'string',
    short: 't',
    value: 'token',
    help: 'API token',
    env: ['INFLUX_TOKEN', 'INFLUXDB_V2_TOKEN'],
    profileKey: 'token',
  },
  org: {
    type: 'string',
    short: 'o',
    value: 'name-or-id',
    help: 'Organization name or ID',
    env: ['INFLUX_ORG', 'INFLUXDB_V2_ORG'],
    profileKey: 'org',
  },
  timeout: {
    type: 'string',
    value: 'ms',
    help: 'Timeout of each request in milliseconds',
    env: ['INFLUXDB_V2_TIMEOUT'],
    default: '10000',
  },
  api: {
    type: 'string',
    value: 'v1|v2|v3|auto',
    help: 'Server API: v2 (2.x, 1.8+), v1 (1.x /write and InfluxQL DELETE), v3 (3.x /api/v3/write_lp), auto (ask /ping)',
    env: ['INFLUX_API_VERSION'],
    default: 'v2',
  },
  'active-config': {
    type: 'string',
    short: 'c',
    value: 'name',
    help: "Profile of the influx CLI's configs file to use (default: the one marked active)",
    env: ['INFLUX_ACTIVE_CONFIG'],
  },
  'configs-path': {
    type: 'string',
    value: 'path',
    help: "The influx CLI's configs file",
    env: ['INFLUX_CONFIGS_PATH'],
    default: '~/.influxdbv2/configs',
  },
  'skip-verify': { type: 'boolean', help: "Do not verify the server's TLS certificate (https)" },
  'http-debug': { type: 'boolean', help: 'Print each HTTP request and answer on stderr (the token is never shown)' },
}

/** Where a value came from, highest precedence first. */
export type ValueSource = 'flag' | 'env' | 'config' | 'default'

/** What a parsed command line holds: flag values (after env and defaults) and positionals. */
export interface ParsedCommand {
  values: Record<string, string | boolean | string[] | undefined>
  /** Where each value that is set came from. */
  sources: Record<string, ValueSource>
  /** The configs-file profile that filled some values, when one did. */
  profile?: ConfigProfile
  positionals: string[]
}

/** Parses `argv` (without the command name) against `spec`; throws {@link UsageError} for bad flags. */
export function parseCommand(
  spec: CommandSpec,
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): ParsedCommand {
  const all = { ...spec.options, ...GLOBAL_OPTIONS }
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {}
  for (const [name, option] of Object.entries(all)) {
    options[name] = {
      type: option.type,
      ...(option.short === undefined ? {} : { short: option.short }),
      ...(option.multiple === true ? { multiple: true } : {}),
    }
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
  const sources: ParsedCommand['sources'] = {}
  let profile: ConfigProfile | undefined
  let profileLoaded = false
  const readProfile = (): ConfigProfile | undefined => {
    if (!profileLoaded) {
      profileLoaded = true
      profile = activeProfile(parsed.values, env, spec.name)
    }
    return profile
  }
  // A profile named on purpose is checked even when every value it holds is given otherwise.
  if (
    'active-config' in spec.options &&
    (parsed.values['active-config'] !== undefined || fromEnv(['INFLUX_ACTIVE_CONFIG'], env) !== undefined)
  )
    readProfile()
  for (const [name, option] of Object.entries(all)) {
    const given = parsed.values[name]
    if (Array.isArray(given) && option.multiple !== true)
      throw new UsageError(`--${name} given more than once`, spec.name)
    const empty = Array.isArray(given) ? given.includes('') : given === ''
    if (option.type === 'string' && empty) throw new UsageError(`--${name} needs a non-empty value`, spec.name)
    const fromEnvironment = given === undefined ? fromEnv(option.env, env) : undefined
    const fromProfile =
      given === undefined && fromEnvironment === undefined && option.profileKey !== undefined
        ? readProfile()?.[option.profileKey]
        : undefined
    const value = (given as string | boolean | string[] | undefined) ?? fromEnvironment ?? fromProfile ?? option.default
    values[name] = value
    if (value !== undefined)
      sources[name] =
        given !== undefined
          ? 'flag'
          : fromEnvironment !== undefined
            ? 'env'
            : fromProfile !== undefined
              ? 'config'
              : 'default'
  }
  return { values, sources, ...(profile === undefined ? {} : { profile }), positionals: parsed.positionals }
}

/** The configs-file profile chosen by `-c/--active-config` (or marked active), if any. */
function activeProfile(
  flags: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  command: string,
): ConfigProfile | undefined {
  const name = (flags['active-config'] as string | undefined) ?? fromEnv(['INFLUX_ACTIVE_CONFIG'], env)
  const givenPath = (flags['configs-path'] as string | undefined) ?? fromEnv(['INFLUX_CONFIGS_PATH'], env)
  const path = givenPath === undefined ? defaultConfigsPath(env) : givenPath.replace(/^~(?=\/|$)/, env.HOME ?? '~')
  try {
    return loadProfile(path, givenPath !== undefined, name)
  } catch (error) {
    if (error instanceof ProfileError) throw new UsageError(error.message, command)
    throw error
  }
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
export function requiredString(
  values: ParsedCommand['values'],
  name: string,
  command: string,
  envHint?: string,
): string {
  const raw = stringValue(values, name)
  if (raw === undefined)
    throw new UsageError(`--${name} is required${envHint === undefined ? '' : ` (or set ${envHint})`}`, command)
  return raw
}
