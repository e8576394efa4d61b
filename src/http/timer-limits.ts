/**
 * Limits of the timers behind timeouts, flush intervals and retry waits. `setTimeout` keeps its
 * delay in a signed 32-bit integer: a longer one fires after 1 ms (with a warning in Node), so a
 * "very long" timeout would act as none, and a long retry wait as an immediate retry.
 */
import { InvalidArgumentError } from '../errors.js'

/** The longest delay `setTimeout` honours, ms (about 24.8 days). */
export const MAX_TIMER_DELAY = 2_147_483_647

/** `value` when it is a usable request timeout in ms; else an InvalidArgumentError naming `name`. */
export function checkTimeout(value: unknown, name: string): number {
  if (typeof value !== 'number' || !(value > 0) || value > MAX_TIMER_DELAY) {
    throw new InvalidArgumentError(
      `"${name}" must be a positive number of milliseconds up to ${MAX_TIMER_DELAY}, got ${String(value)}`,
    )
  }
  return value
}
