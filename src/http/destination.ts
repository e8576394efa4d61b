/**
 * Where a write or delete goes: its bucket and, on the v2 API, its organization. Checked before
 * anything is sent.
 */
import { InvalidArgumentError } from '../errors.js'

/** An organization: its name, its ID, or an object with an `id` (the Python client's `Organization`). */
export type OrgInput =
  | string
  | {
      /** The organization's ID. */
      readonly id: string
    }

/**
 * The `org` query value: the call's org, else the client's; an `{ id }` gives its id.
 * Throws {@link InvalidArgumentError} when neither names one.
 */
export function orgQueryValue(
  org: OrgInput | undefined | null,
  fallback: OrgInput | undefined,
  operation: string,
): string {
  const chosen = org ?? fallback
  const value = typeof chosen === 'object' && chosen !== null ? chosen.id : chosen
  if (typeof value !== 'string' || value === '') {
    throw new InvalidArgumentError(
      `${operation}: no organization given; pass "org" to the call or set "org" on the client`,
    )
  }
  return value
}

/** Checks a bucket argument. */
export function requireBucket(bucket: unknown, operation: string): string {
  if (typeof bucket !== 'string' || bucket === '') {
    throw new InvalidArgumentError(`${operation}: "bucket" must be a non-empty bucket name or ID`)
  }
  return bucket
}
