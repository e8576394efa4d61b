// Runs probe.ts in other JavaScript runtimes against one recording server: bundles it with the
// library (esbuild), starts the runtime, and collects the report and the requests that arrived.
// The runtimes come from tools/runtimes (npm run runtimes:install) and Debian's chromium.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { gzipSync } from 'node:zlib'
import type { ProbeReport } from './probe.js'
import type { RecordedRequest, Responder, TestReply as Reply } from '../../src/testing/index.js'
import { REQUIRE_REAL_SERVERS } from '../support/servers.js'

const here = fileURLToPath(new URL('.', import.meta.url))
const toolsBin = join(here, '../../tools/runtimes/node_modules/.bin')

/** A runtime the tests run the probe in. */
export interface Runtime {
  name: string
  /** The program, when it is installed. */
  binary: string
}

export const BUN: Runtime = { name: 'Bun', binary: join(toolsBin, 'bun') }
export const DENO: Runtime = { name: 'Deno', binary: join(toolsBin, 'deno') }
export const WORKERD: Runtime = { name: 'workerd', binary: join(toolsBin, 'workerd') }
export const CHROMIUM: Runtime = { name: 'Chromium', binary: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' }

/**
 * Options for `describe` that needs a runtime: skipped locally when it is not installed, and in
 * CI run anyway, so that a missing runtime fails instead of passing by skipping.
 */
export function needRuntime(runtime: Runtime): { skip: string | false } {
  if (existsSync(runtime.binary)) return { skip: false }
  if (REQUIRE_REAL_SERVERS)
    throw new Error(
      `${runtime.name} is not installed at ${runtime.binary}; CI requires it (npm run runtimes:install; chromium from Debian)`,
    )
  return {
    skip: `${runtime.name} is not installed at ${runtime.binary} (npm run runtimes:install; apt-get install chromium)`,
  }
}

/** Bundles one entry of entries/ with the library into a single ES module; returns its path. */
export async function bundle(
  entry: 'cli' | 'worker' | 'browser' | 'test-server' | 'spool',
  outDir: string,
): Promise<string> {
  const outfile = join(outDir, `${entry}.mjs`)
  await build({
    entryPoints: [join(here, 'entries', `${entry}.ts`)],
    outfile,
    bundle: true,
    format: 'esm',
    // Neutral: nothing Node-specific is assumed; `node:*` imports stay imports that the library
    // makes only where they exist. Class names are kept: the report compares them.
    platform: entry === 'cli' || entry === 'test-server' || entry === 'spool' ? 'node' : 'neutral',
    external: ['node:*'],
    keepNames: true,
    target: 'es2022',
    logLevel: 'error',
  })
  return outfile
}

/** A temporary directory, removed by the returned function. */
export async function tempDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'runtimes-'))
  // Retries: a process that was just killed can still be closing files in the directory.
  return { dir, remove: () => rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }) }
}

const PARTIAL_WRITE = JSON.stringify({
  code: 'unprocessable entity',
  message:
    'partial write: field type conflict: input field "usage" on measurement "cpu" is type float, already exists as type integer dropped=1',
})
const LINES_REFUSED = JSON.stringify({
  code: 'invalid',
  message:
    'unable to parse \'weather,loc=Zürich\\,CH temp=-1.25,desc="snow \\"heavy\\" ❄️" 1700000000000000001\': bad timestamp',
})
const GZIP_ERROR = gzipSync(JSON.stringify({ code: 'invalid', message: 'a gzipped error body, ünïcode' }))

/**
 * How the server answers the probe: by path and by the `bucket` of a write. Stateful (the
 * retry buckets fail once): make a new one for each run. `assets` are served by path (the
 * browser's page and bundle); a POST to `/report` hands its body to `onReport`.
 */
export function probeResponder(
  assets: Record<string, { type: string; body: string | Buffer }> = {},
  onReport?: (body: string) => void,
): Responder {
  let retryRequests = 0
  let batchRequests = 0
  return (request): Reply => {
    const asset = assets[request.path]
    if (request.method === 'GET' && asset !== undefined)
      return { status: 200, headers: { 'content-type': asset.type }, body: asset.body }
    if (request.path === '/report') {
      onReport?.(request.body)
      return { status: 204 }
    }
    if (request.path === '/ping') return { status: 204, headers: { 'x-influxdb-version': 'probe' } }
    if (request.path === '/api/v2/delete') return { status: 204 }
    const bucket = new URLSearchParams(request.rawQuery).get('bucket')
    switch (bucket) {
      case 'partial':
        return { status: 422, headers: { 'content-type': 'application/json' }, body: PARTIAL_WRITE }
      case 'badlines':
        return { status: 400, headers: { 'content-type': 'application/json' }, body: LINES_REFUSED }
      case 'gzerr':
        return {
          status: 400,
          headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
          body: GZIP_ERROR,
        }
      case 'redirect':
        return { status: 307, headers: { location: 'http://127.0.0.1:1/elsewhere' } }
      case 'drop':
        return { drop: true }
      case 'slow':
        return { status: 204, delayMs: 3000 }
      case 'retry':
        return ++retryRequests === 1 ? { status: 503, headers: { 'retry-after': '1' } } : { status: 204 }
      case 'batch':
        return ++batchRequests === 2 ? { status: 503, headers: { 'retry-after': '1' } } : { status: 204 }
      default:
        return { status: 204 }
    }
  }
}

/** The probe's own requests (not the page, its bundle or the report), in a form to compare across runtimes. */
export interface WireRequest {
  method: string
  path: string
  query: string
  contentType: string | undefined
  contentEncoding: string | undefined
  authorization: string | undefined
  userAgent: string | undefined
  /** Exact bytes, as hex, of a body sent uncompressed; gzip output may differ between implementations, so gzip bodies are compared decompressed. */
  rawBody: string | undefined
  body: string
}

export function wireRequests(requests: readonly RecordedRequest[], assets: readonly string[] = []): WireRequest[] {
  return requests
    .filter((r) => r.path !== '/report' && !assets.includes(r.path))
    .map((r) => {
      const encoding = r.headers['content-encoding']
      return {
        method: r.method,
        path: r.path,
        query: r.rawQuery,
        contentType: r.headers['content-type'],
        contentEncoding: encoding,
        authorization: r.headers.authorization,
        userAgent: r.headers['user-agent'],
        rawBody: encoding === 'gzip' ? undefined : Buffer.from(r.rawBody).toString('hex'),
        body: r.body,
      }
    })
}

/** Runs `command` to its end; resolves with stdout, rejects with stderr when it fails or outlives `timeoutMs`. */
export function runToEnd(command: string, args: readonly string[], timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      if (code === 0) resolve(stdout)
      else reject(new Error(`${command} ${args.join(' ')} ended with ${code ?? signal}:\n${stderr}\n${stdout}`))
    })
  })
}

/** Parses the JSON report a runtime printed (its last line). */
export function parseReport(output: string): ProbeReport {
  const last = output.trim().split('\n').at(-1) ?? ''
  return JSON.parse(last) as ProbeReport
}

/** A TCP port that was free a moment ago, for programs that cannot report the one they took. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/** Runs the worker bundle (a file in `dir`: workerd embeds files by a path relative to its config) in workerd and asks it for the report. */
export async function runInWorkerd(bundlePath: string, dir: string, base: string): Promise<ProbeReport> {
  const port = await freePort()
  const config = join(dir, 'workerd.capnp')
  // The "internet" service lets the worker's fetch reach loopback, where the harness listens.
  await writeFile(
    config,
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .probe),
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const probe :Workerd.Worker = (
  modules = [ (name = "worker", esModule = embed "${basename(bundlePath)}") ],
  compatibilityDate = "2024-09-23",
);
`,
  )
  const child = spawn(WORKERD.binary, ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] })
  const output = collectOutput(child)
  try {
    const url = `http://127.0.0.1:${port}/?base=${encodeURIComponent(base)}`
    const response = await retryUntilListening(
      () => fetch(url, { signal: AbortSignal.timeout(60_000) }),
      () => output(),
    )
    const text = await response.text()
    if (response.status !== 200) throw new Error(`workerd answered ${response.status}: ${text}\n${output()}`)
    return JSON.parse(text) as ProbeReport
  } finally {
    child.kill('SIGKILL')
  }
}

/** Opens the page in headless Chromium and waits for the report that the page posts. */
export async function runInChromium(pageUrl: string, report: Promise<string>, dir: string): Promise<ProbeReport> {
  // As root in CI Chromium needs --no-sandbox; the background-networking flags keep it off the
  // closed network, and a fresh profile directory keeps runs apart.
  const child = spawn(
    CHROMIUM.binary,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${join(dir, 'chromium-profile')}`,
      pageUrl,
    ],
    // Its own process group: Chromium forks renderer, zygote and utility processes that write to
    // the profile, and killing only the browser process leaves them writing while it is removed.
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  )
  const output = collectOutput(child)
  const ended = new Promise<void>((resolve) => child.on('exit', () => resolve()))
  const exited = new Promise<never>((_, reject) =>
    child.on('close', (code) => reject(new Error(`chromium ended (${code}) before the page reported:\n${output()}`))),
  )
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`no report from the page within 90 s:\n${output()}`)), 90_000).unref(),
  )
  try {
    const text = await Promise.race([report, exited, timeout])
    const parsed = JSON.parse(text) as ProbeReport & { threw?: string }
    if (parsed.threw !== undefined) throw new Error(`the probe threw in Chromium: ${parsed.threw}`)
    return parsed
  } finally {
    killGroup(child)
    await ended
  }
}

/** Kills the process group that `child` leads (it was spawned detached), and `child` itself if that fails. */
function killGroup(child: ChildProcess): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL')
  } catch {
    child.kill('SIGKILL')
  }
}

function collectOutput(child: ChildProcess): () => string {
  let text = ''
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()))
  return () => text.slice(-4000)
}

/** Retries `attempt` while the connection is refused (the program is still starting), for up to 20 s. */
async function retryUntilListening<T>(attempt: () => Promise<T>, output: () => string): Promise<T> {
  const deadline = Date.now() + 20_000
  for (;;) {
    try {
      return await attempt()
    } catch (error) {
      const refused = (error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED'
      if (!refused || Date.now() > deadline)
        throw new Error(`workerd did not answer: ${String(error)}\n${output()}`, { cause: error })
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
}
