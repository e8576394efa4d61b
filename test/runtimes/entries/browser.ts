// Chromium: the page served by the harness runs the probe against its own origin (no CORS) and
// posts the report back to `/report`.
import { runProbe } from '../probe.js'

async function main(): Promise<void> {
  let report: string
  try {
    report = JSON.stringify(await runProbe(location.origin, true))
  } catch (error) {
    report = JSON.stringify({ threw: error instanceof Error ? error.stack : String(error) })
  }
  await fetch('/report', { method: 'POST', body: report })
}
void main()
