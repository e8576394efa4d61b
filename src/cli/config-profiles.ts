/**
 * Connection profiles from the `influx` CLI's configs file (`~/.influxdbv2/configs`, TOML): one
 * table per profile with `url`, `token`, `org` and `active = true` on the one in use. A profile
 * fills the connection flags that neither the command line nor the environment set.
 */
import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { InvalidArgumentError } from '../errors.js'
import { parseSections } from '../config/ini.js'

/** A configs file that cannot be read, or a profile it does not have. */
export class ProfileError extends Error {
  override name = 'ProfileError'
}

/** The connection settings a profile gives; `name` is the profile's. */
export interface ConfigProfile {
  name: string
  url?: string
  token?: string
  org?: string
}

/** Where the `influx` CLI keeps its profiles. */
export function defaultConfigsPath(env: NodeJS.ProcessEnv): string {
  return join(env.HOME ?? homedir(), '.influxdbv2', 'configs')
}

/**
 * The profile to use: `name` (from `-c/--active-config`) when given, else the one marked
 * `active = true`, else none. `explicitPath`: the file was named by the user, so a missing file is
 * an error; the default file may be absent.
 */
export function loadProfile(path: string, explicitPath: boolean, name: string | undefined): ConfigProfile | undefined {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (!explicitPath && code === 'ENOENT' && name === undefined) return undefined
    throw new ProfileError(
      `cannot read the configs file ${path}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
    )
  }
  let sections
  try {
    sections = parseSections(text, 'toml', path)
  } catch (error) {
    if (error instanceof InvalidArgumentError) throw new ProfileError(`configs file ${error.message}`)
    throw error
  }
  const profiles = [...sections.entries()].filter(([section]) => section !== '')
  const chosen =
    name === undefined
      ? profiles.find(([, values]) => values.active === true)
      : profiles.find(([section]) => section === name)
  if (chosen === undefined) {
    if (name === undefined) return undefined
    const names = profiles.map(([section]) => section)
    throw new ProfileError(
      `no config profile ${JSON.stringify(name)} in ${path}${names.length === 0 ? '' : ` (it has ${names.join(', ')})`}`,
    )
  }
  const [section, values] = chosen
  const profile: ConfigProfile = { name: section }
  for (const key of ['url', 'token', 'org'] as const) {
    const value = values[key]
    if (typeof value === 'string' && value !== '') profile[key] = value
  }
  return profile
}
