/**
 * Where the demo writes: the embedded server (default), or a real InfluxDB when INFLUX_URL is set.
 * Only the embedded server can be read back here, because this client has no query API.
 */
import { randomBytes } from 'node:crypto'
import { Worker } from 'node:worker_threads'
import type { WorkerReady, WorkerRequest } from './server-worker.js'

export interface DemoTarget {
  url: string
  token: string
  org: string
  bucket: string
  /** A one-line description for the banner. */
  description: string
  /**
   * Point counts of `measurements` (the last one must be the only other measurement in the
   * bucket), or `undefined` when the server cannot be read back.
   */
  holdings(measurements: readonly string[]): Promise<Map<string, number> | undefined>
  /** Body of the last write request, as of the last refresh (embedded server only). */
  lastWriteBody(): string | undefined
  /** Fetches the body of the last write request from the server. */
  refreshLastWriteBody(): Promise<void>
  close(): Promise<void>
}

export async function openTarget(env: NodeJS.ProcessEnv = process.env): Promise<DemoTarget> {
  const url = env.INFLUX_URL
  if (url !== undefined && url !== '') return realTarget(url, env)
  const token = randomBytes(12).toString('base64url')
  const org = 'my-org'
  const bucket = 'my-bucket'
  const server = await EmbeddedServerThread.start({ token, org, bucket })
  return {
    url: server.url,
    token,
    org,
    bucket,
    description: `the embedded InfluxDB-compatible server at ${server.url} (set INFLUX_URL to use a real InfluxDB)`,
    holdings: async (measurements) =>
      new Map(await server.ask<Array<[string, number]>>({ kind: 'counts', bucket, measurements })),
    // The demo prints the body only after each awaited write, so it is available synchronously.
    lastWriteBody: () => server.lastBody,
    refreshLastWriteBody: async () => {
      server.lastBody = await server.ask<string | undefined>({ kind: 'lastWriteBody' })
    },
    close: async () => {
      await server.ask({ kind: 'close' })
      await server.exited
    },
  }
}

type Question = DistributiveOmit<WorkerRequest, 'id'>
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

/** The embedded server running in demo/server-worker.ts, and a way to ask it questions. */
class EmbeddedServerThread {
  lastBody: string | undefined
  #nextId = 1
  readonly #pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>()
  readonly exited: Promise<void>

  readonly #worker: Worker

  private constructor(
    worker: Worker,
    readonly url: string,
  ) {
    this.#worker = worker
    worker.on('message', (message: { id?: number; value?: unknown; error?: string }) => {
      const waiter = message.id === undefined ? undefined : this.#pending.get(message.id)
      if (waiter === undefined) return
      this.#pending.delete(message.id as number)
      if (message.error !== undefined) waiter.reject(new Error(message.error))
      else waiter.resolve(message.value)
    })
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()))
    // A thread that dies must not leave a question unanswered forever.
    const failAll = (error: Error): void => {
      for (const waiter of this.#pending.values()) waiter.reject(error)
      this.#pending.clear()
    }
    worker.on('error', failAll)
    worker.on('exit', (code) => failAll(new Error(`the embedded server thread exited with code ${code}`)))
  }

  static async start(data: { token: string; org: string; bucket: string }): Promise<EmbeddedServerThread> {
    // A worker does not inherit the parent's `--import tsx`, so it registers tsx itself first.
    const entry = new URL('./server-worker.ts', import.meta.url).href
    const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}) })`
    const worker = new Worker(bootstrap, { eval: true, workerData: data })
    const ready = await new Promise<WorkerReady>((resolve, reject) => {
      worker.once('error', reject)
      worker.once('exit', (code) => reject(new Error(`the embedded server thread exited with code ${code}`)))
      worker.once('message', (message: { ready?: WorkerReady }) => {
        if (message.ready !== undefined) resolve(message.ready)
      })
    })
    worker.removeAllListeners('error')
    worker.removeAllListeners('exit')
    return new EmbeddedServerThread(worker, ready.url)
  }

  ask<T>(question: Question): Promise<T> {
    const id = this.#nextId++
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve, reject })
      this.#worker.postMessage({ ...question, id })
    })
  }
}

function realTarget(url: string, env: NodeJS.ProcessEnv): DemoTarget {
  const missing = ['INFLUX_TOKEN', 'INFLUX_ORG', 'INFLUX_BUCKET'].filter((name) => (env[name] ?? '') === '')
  if (missing.length > 0) throw new Error(`INFLUX_URL is set, so the demo needs ${missing.join(', ')} too`)
  return {
    url,
    token: env.INFLUX_TOKEN as string,
    org: env.INFLUX_ORG as string,
    bucket: env.INFLUX_BUCKET as string,
    description: `the InfluxDB at ${url} (INFLUX_URL)`,
    holdings: () => Promise.resolve(undefined),
    lastWriteBody: () => undefined,
    refreshLastWriteBody: () => Promise.resolve(),
    close: () => Promise.resolve(),
  }
}
