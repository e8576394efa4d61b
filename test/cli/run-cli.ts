// Runs the influx-async CLI as a child process, the way a user does, with a clean environment
// (no INFLUX_* or INFLUXDB_V2_* variables leak in from the machine running the tests, and HOME is
// a directory without the influx CLI's configs file unless a test gives its own).
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const MAIN = 'src/cli/main.ts'

export interface CliResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface CliOptions {
  env?: Record<string, string>
  stdin?: string | Buffer
}

export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(INFLUX|INFLUXDB_V2)_/.test(key)) env[key] = value
  }
  return { ...env, HOME: NO_CONFIG_HOME, ...extra }
}

const NO_CONFIG_HOME = fileURLToPath(new URL('../fixtures/no-config-home', import.meta.url))

/** Starts the CLI; the caller owns the process. */
export function spawnCli(args: readonly string[], options: CliOptions = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    cwd: ROOT,
    env: cleanEnv(options.env),
    stdio: 'pipe',
  })
}

/** Runs the CLI to completion and collects its output. */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const child = spawnCli(args, options)
  let stdout = ''
  let stderr = ''
  child.stdout?.setEncoding('utf8').on('data', (text: string) => {
    stdout += text
  })
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    stderr += text
  })
  child.stdin?.end(options.stdin ?? '')
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
  })
}

/** The summary line of `write`, with the timing parts replaced so that it can be compared exactly. */
export function summaryOf(stdout: string): string {
  return stdout.replace(/, \d+\.\d\d s, \d+ points\/s\n$/, ', <s>, <rate>\n')
}
