import { InvalidArgumentError } from '../errors.js'
import { escapeKey, escapeTagKey } from './escape.js'
import { ownValue, setOwn } from '../own-keys.js'

const ENV_REFERENCE = /^\$\{env\.([^}]+)\}$/

/**
 * A default tag's value: written as text; `${env.NAME}` reads an environment variable; `null`, `undefined` and an unset
 * variable leave the tag out.
 */
export type DefaultTagValue = string | number | bigint | boolean | null | undefined

/**
 * Resolves default tags once, before any record is serialised.
 *
 * A value written exactly as `${env.NAME}` is replaced by the environment variable `NAME`; when
 * that variable is unset or empty, the tag is left out (as an empty tag would be). `null` and
 * `undefined` values are left out too, numbers and booleans become their text.
 * Returns a fresh object and never touches `tags`. Throws `InvalidArgumentError` for a tag that
 * line protocol cannot carry exactly (see `escape.ts`), so the mistake surfaces at setup.
 */
export function resolveDefaultTags(
  tags: Readonly<Record<string, DefaultTagValue>> | undefined,
  // Browsers and Workers have no process: there, no tag can come from the environment.
  env: Readonly<Record<string, string | undefined>> = globalThis.process?.env ?? {},
): Record<string, string> {
  const resolved: Record<string, string> = {}
  if (tags === undefined || tags === null) return resolved
  for (const key of Object.keys(tags)) {
    const raw = tags[key]
    if (raw === null || raw === undefined) continue
    if (typeof raw === 'object' || typeof raw === 'function' || typeof raw === 'symbol') {
      throw new InvalidArgumentError(`default tag ${JSON.stringify(key)}: a ${typeof raw} is not a tag value`)
    }
    const text = String(raw)
    const reference = ENV_REFERENCE.exec(text)
    const value = reference === null ? text : ownValue(env, reference[1])
    if (value === undefined || value === '' || key === '') continue
    try {
      escapeTagKey(key)
      escapeKey(value)
    } catch (error) {
      throw new InvalidArgumentError(`default tag ${JSON.stringify(key)}: ${(error as Error).message}`, {
        cause: error,
      })
    }
    setOwn(resolved, key, value)
  }
  return resolved
}
