// Calls into the BatchWriter from its own onBatchWritten / onBatchFailed. The writer waits for
// its callbacks, so a call made there that waits for the writer's progress cannot complete: it
// must reject at once, and abort() must settle everything even while a callback still runs.
// Every test races a deadline so that a deadlock fails fast instead of hanging the run.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import {
  BatchCallbackError,
  InvalidArgumentError,
  RequestAbortedError,
  UndeliveredLinesError,
} from '../../src/errors.js'
import { startFaultyTestServer, type FaultOptions } from '../support/faults.js'
import { stringWriter } from './harness.js'
import { waitFor } from '../support/wait.js'
import type { BatchWriter } from '../../src/write/batch-writer.js'
import type { BatchWriterOptions } from '../../src/write/batch-options.js'

const DEADLINE_MS = 5000

/** `promise`, or a failure naming `what` once DEADLINE_MS passed. */
async function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${DEADLINE_MS} ms`)), DEADLINE_MS)
  })
  try {
    return await Promise.race([promise, deadline])
  } finally {
    clearTimeout(timer)
  }
}

/** How `promise` settled: its value or its error. */
function outcome<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  )
}

async function withWriter(
  serverOptions: FaultOptions,
  options: (self: () => BatchWriter) => Partial<BatchWriterOptions>,
  body: (ctx: { writer: BatchWriter; received: string[] }) => Promise<void>,
): Promise<void> {
  const received: string[] = []
  const server = await startFaultyTestServer({ ...serverOptions, onAcknowledged: (lines) => received.push(...lines) })
  const made: { writer?: BatchWriter } = {}
  const { writer, transport } = stringWriter(server.url, {
    flushInterval: 0,
    retry: false,
    ...options(() => made.writer as BatchWriter),
  })
  made.writer = writer
  try {
    await body({ writer, received })
  } finally {
    writer.abort()
    await within(
      writer.close().catch(() => undefined),
      'cleanup close()',
    ).catch(() => undefined)
    await transport.close()
    await server.close()
  }
}

/** The callback errors a BatchCallbackError or UndeliveredLinesError carries. */
function callbackErrors(error: unknown): unknown[] {
  if (error instanceof BatchCallbackError) return error.errors
  if (error instanceof UndeliveredLinesError) return error.callbackErrors
  assert.fail(`expected a report of callback errors, got ${String(error)}`)
}

function assertReentrantError(error: unknown, call: string, callback: string): void {
  assert.ok(error instanceof InvalidArgumentError, `expected InvalidArgumentError, got ${String(error)}`)
  assert.match(error.message, new RegExp(`${call}.*inside ${callback}`))
}

describe('BatchWriter: calls from its own callbacks', () => {
  test('onBatchWritten awaiting flush() rejects at once instead of deadlocking', async () => {
    const seen: unknown[] = []
    await withWriter(
      {},
      (self) => ({
        batchSize: 1,
        onBatchWritten: async () => {
          try {
            await self().flush()
          } catch (error) {
            seen.push(error)
            throw error
          }
        },
      }),
      async ({ writer, received }) => {
        await writer.write('m v=1 1')
        const flushed = await within(outcome(writer.flush()), 'flush()')
        assert.equal(seen.length, 1)
        assertReentrantError(seen[0], 'flush', 'onBatchWritten')
        // The callback rethrew it: the flush that covers its batch reports it.
        assert.deepEqual(callbackErrors(flushed.error), seen)
        assert.deepEqual(received, ['m v=1 1'])
        await within(writer.close(), 'close()')
      },
    )
  })

  test('onBatchWritten awaiting close() or drained() on a full buffer rejects at once', async () => {
    const seen: unknown[] = []
    await withWriter(
      {},
      (self) => ({
        batchSize: 1,
        maxBufferedLines: 1,
        onBatchWritten: async () => {
          // Both called before the callback's first await: only then can they be recognised.
          const drained = self().drained()
          const closed = self().close()
          await drained.catch((error: unknown) => seen.push(error))
          await closed.catch((error: unknown) => seen.push(error))
        },
      }),
      async ({ writer, received }) => {
        writer.add('m v=1 1')
        await within(writer.flush(), 'flush()')
        assert.equal(seen.length, 2)
        assertReentrantError(seen[0], 'drained', 'onBatchWritten')
        assertReentrantError(seen[1], 'close', 'onBatchWritten')
        assert.equal(writer.closed, false, 'close() from the callback did not close the writer')
        assert.deepEqual(received, ['m v=1 1'])
        await within(writer.close(), 'close()')
      },
    )
  })

  test('onBatchWritten awaiting write() while the buffer is full rejects at once; a write that fits works', async () => {
    const seen: unknown[] = []
    let calls = 0
    await withWriter(
      {},
      (self) => ({
        batchSize: 1,
        maxBufferedLines: 2,
        onBatchWritten: async () => {
          calls++
          // The first call has room for one more line, the second (two lines) has not.
          if (calls === 1) await self().write('m v=2 2')
          if (calls === 2)
            await self()
              .write(['m v=3 3', 'm v=4 4', 'm v=5 5'])
              .catch((error: unknown) => seen.push(error))
        },
      }),
      async ({ writer, received }) => {
        await writer.write('m v=1 1')
        await within(writer.flush(), 'first flush()')
        await within(writer.flush(), 'second flush()')
        await within(writer.close(), 'close()')
        assert.equal(seen.length, 1)
        assertReentrantError(seen[0], 'write', 'onBatchWritten')
        // The line that fitted was buffered and written, as a bad record's predecessors are.
        assert.deepEqual(received.slice(0, 2), ['m v=1 1', 'm v=2 2'])
        assert.ok(received.includes('m v=3 3'), 'the line taken before the buffer was full is written')
        assert.ok(!received.includes('m v=5 5'))
      },
    )
  })

  test('onBatchWritten awaiting write() while its own batch fills the buffer rejects at once', async () => {
    const seen: unknown[] = []
    await withWriter(
      {},
      (self) => ({
        batchSize: 1,
        maxBufferedLines: 1,
        onBatchWritten: async () => {
          await self()
            .write('m v=2 2')
            .catch((error: unknown) => seen.push(error))
        },
      }),
      async ({ writer, received }) => {
        await writer.write('m v=1 1')
        await within(writer.flush(), 'flush()')
        assert.equal(seen.length, 1)
        assertReentrantError(seen[0], 'write', 'onBatchWritten')
        await within(writer.close(), 'close()')
        assert.deepEqual(received, ['m v=1 1'])
      },
    )
  })

  test('onBatchFailed awaiting write() while the buffer is full rejects at once', async () => {
    const seen: unknown[] = []
    await withWriter(
      { decide: () => ({ status: 400, body: '{"code":"invalid","message":"refused"}' }) },
      (self) => ({
        batchSize: 1,
        maxBufferedLines: 1,
        onBatchFailed: async (info) => {
          await self()
            .write(info.lines)
            .catch((error: unknown) => seen.push(error))
        },
      }),
      async ({ writer }) => {
        await writer.write('m v=1 1')
        const flushed = await within(outcome(writer.flush()), 'flush()')
        assert.ok(flushed.error instanceof UndeliveredLinesError)
        assert.equal(seen.length, 1)
        assertReentrantError(seen[0], 'write', 'onBatchFailed')
      },
    )
  })

  test('abort() settles flush(), drained(), a write waiting for room and close() while a callback is stuck on the writer', async () => {
    let release: (() => void) | undefined
    const entered = new Promise<void>((resolve) => (release = resolve))
    const stuck: { error?: unknown }[] = []
    await withWriter(
      {},
      (self) => ({
        batchSize: 1,
        maxBufferedLines: 1,
        onBatchWritten: async () => {
          // After an await the call can no longer be told from one made outside the callback:
          // this write waits for room that only the callback's own return would free.
          await new Promise((resolve) => setTimeout(resolve, 1))
          release?.()
          stuck.push(await outcome(self().flush()))
          stuck.push(await outcome(self().write('m v=2 2')))
        },
      }),
      async ({ writer, received }) => {
        writer.add('m v=1 1')
        await within(entered, 'the callback')
        const pending = [outcome(writer.flush()), outcome(writer.drained()), outcome(writer.write('m v=3 3'))]
        await new Promise((resolve) => setTimeout(resolve, 20))
        writer.abort()
        const [flushed, drained, wrote] = await within(
          Promise.all(pending),
          'flush(), drained() and write() after abort()',
        )
        assert.equal(flushed?.error, undefined, 'the acknowledged line needs no report')
        assert.equal(drained?.error, undefined)
        assert.ok(
          wrote?.error instanceof RequestAbortedError,
          `write() rejects with RequestAbortedError, got ${String(wrote?.error)}`,
        )
        await within(writer.close(), 'close() after abort()')
        // The callback's own flush() ends with the abort; its write() then finds the writer closed.
        await waitFor(() => stuck.length >= 2, "the callback's calls", DEADLINE_MS)
        assert.equal(stuck[0]?.error, undefined)
        assert.ok(stuck[1]?.error instanceof Error)
        assert.deepEqual(received, ['m v=1 1'])
      },
    )
  })
})
