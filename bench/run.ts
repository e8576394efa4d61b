// `npm run bench`: runs every bench/*.bench.ts in its own process, one after the other, so that
// peak-memory figures are not polluted by an earlier benchmark. Each prints its details as it
// goes; the rows they report (bench/rows.ts) are printed at the end as one table.
import { readdirSync } from 'node:fs'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { ROW_PREFIX, type BenchRow } from './rows.js'

const here = dirname(fileURLToPath(import.meta.url))
const only = process.argv.slice(2)
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort()

/** Runs one bench file, passing its output through and keeping its rows. */
function runBench(file: string, rows: BenchRow[]): Promise<number | string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', join(here, file)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith(ROW_PREFIX)) rows.push(JSON.parse(line.slice(ROW_PREFIX.length)) as BenchRow)
      else console.log(line)
    })
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'))
  })
}

function printTable(rows: readonly BenchRow[]): void {
  const header = ['way', 'points/s', 'ratio to official', 'target', 'verdict']
  const cells = rows.map((r) => [
    r.way,
    r.pointsPerSecond === undefined ? '' : `${(r.pointsPerSecond / 1e6).toFixed(3)}M`,
    r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}x`,
    r.target,
    r.met === undefined ? '' : r.met ? 'met' : 'NOT met',
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)))
  const line = (c: readonly string[]): string =>
    `| ${c.map((x, i) => (i === 1 || i === 2 ? x.padStart(widths[i]) : x.padEnd(widths[i]))).join(' | ')} |`
  console.log(
    `\n${line(header)}\n|${widths.map((w, i) => (i === 1 || i === 2 ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`,
  )
  for (const c of cells) console.log(line(c))
}

const rows: BenchRow[] = []
let failed = 0
for (const file of files) {
  console.log(`\n=== ${file}`)
  const status = await runBench(file, rows)
  if (status !== 0) {
    failed++
    console.log(`!!! ${file} exited with ${status}`)
  }
}
if (rows.length > 0) printTable(rows)
process.exit(failed === 0 ? 0 : 1)
