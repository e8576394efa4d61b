// Bun and Deno: `<runtime> probe.mjs <base-url> [fetch]` prints the report as JSON on stdout.
import { runProbe } from '../probe.js'

const runtime = globalThis as { Deno?: { args: string[] }; process?: { argv: string[] } }
const args = runtime.Deno?.args ?? runtime.process?.argv.slice(2) ?? []
const report = await runProbe(args[0] ?? '', args[1] === 'fetch')
console.log(JSON.stringify(report))
