// Polling with a deadline: a condition that never comes true fails its test, naming what was
// awaited, instead of hanging the run.

/** Resolves once `condition()` is true; rejects after `timeoutMs` saying what never happened. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
}
