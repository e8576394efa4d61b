/**
 * The embedded server on its own thread, so that the demo's client and the server each get a
 * core and a heap (the server holding a million points would otherwise slow the client's garbage
 * collection). Answers the few questions the demo asks, by message.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { startTestServer } from '../src/testing/index.js'

/** A question from the demo and its answer. */
export type WorkerRequest =
  | { id: number; kind: 'counts'; bucket: string; measurements: readonly string[] }
  | { id: number; kind: 'lastWriteBody' }
  | { id: number; kind: 'close' }

export interface WorkerReady {
  url: string
}

const { token, org, bucket } = workerData as { token: string; org: string; bucket: string }
const server = await startTestServer({ port: 0, token, org, buckets: [bucket] })
const port = parentPort
if (port === null) throw new Error('server-worker.ts runs only as a worker thread')

port.on('message', (request: WorkerRequest) => {
  void answer(request)
    .then(
      (value) => port.postMessage({ id: request.id, value }),
      (error: unknown) =>
        port.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) }),
    )
    .finally(() => {
      // Closing the port after the answer lets the thread end.
      if (request.kind === 'close') port.close()
    })
})
port.postMessage({ ready: { url: server.url } satisfies WorkerReady })

async function answer(request: WorkerRequest): Promise<unknown> {
  switch (request.kind) {
    case 'counts': {
      // Counted without materialising a million points: the last measurement gets the rest of the total.
      const counts: Array<[string, number]> = []
      let rest = server.count(request.bucket)
      request.measurements.forEach((measurement, i) => {
        const count =
          i === request.measurements.length - 1 ? rest : server.points(request.bucket, { measurement }).length
        counts.push([measurement, count])
        rest -= count
      })
      return counts
    }
    case 'lastWriteBody':
      return server.requests.filter((r) => r.path === '/api/v2/write').at(-1)?.body
    case 'close':
      await server.close()
      return undefined
  }
}
