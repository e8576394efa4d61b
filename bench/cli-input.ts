// The CLI import case of the batch bench: a line-protocol file of the bench's points, and the
// command that runs the CLI as a user runs the built package (plain JavaScript, no loader).
import { closeSync, existsSync, openSync, renameSync, statSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { benchPoint } from './bench-point.js'
import { JS_DIR } from './transpile.js'

/** The file of `n` lines (built once per size, kept in the temporary directory). */
export function lpFile(n: number): string {
  return join(tmpdir(), `influxdb-client-async-bench-${n}.lp`)
}

/** Writes the bench's points 0 … n-1 as line protocol, one per line, unless the file is there. */
export function writeLineProtocolFile(n: number): void {
  const path = lpFile(n)
  if (existsSync(path) && statSync(path).size > n) return
  const fd = openSync(`${path}.part`, 'w')
  try {
    for (let start = 0; start < n; start += 10_000) {
      const lines: string[] = []
      for (let i = start; i < Math.min(n, start + 10_000); i++) lines.push(benchPoint(i).toLineProtocol()!)
      writeSync(fd, lines.join('\n') + '\n')
    }
  } finally {
    closeSync(fd)
  }
  // Renamed when complete, so that an interrupted run never leaves a short file behind.
  renameSync(`${path}.part`, path)
}

/** `node <the transpiled src/cli/main.js>`: transpileForBench must have run. */
export function cliCommand(): { command: string; args: string[] } {
  return { command: process.execPath, args: [join(JS_DIR, 'src', 'cli', 'main.js')] }
}
