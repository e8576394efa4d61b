// Polling with a deadline: a condition that never comes true fails its test, naming what was
// awaited, instead of hanging the run.

// Taken at import, before any test mocks the timers: polling must go on while a test holds the
// writer's timers still with node:test's mock.timers.
const realSetTimeout = globalThis.setTimeout

/** Resolves once `condition()` is true; rejects after `timeoutMs` saying what never happened. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => realSetTimeout(resolve, 2))
  }
}

/**
 * Lets what is already under way (socket reads, writes, immediates) run for a few turns of the
 * event loop, without waiting for any timer; for checking that something did not happen.
 */
export async function settle(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => realSetTimeout(resolve, 1))
}
