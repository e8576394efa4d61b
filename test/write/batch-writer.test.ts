// BatchWriter behaviour against a real node:http server on loopback: what goes on the wire,
// flush/close semantics, retries, 413 splitting, partial writes, abort.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import {
  ClosedError,
  InfluxDBError,
  InvalidArgumentError,
  PartialWriteError,
  BatchCallbackError,
  RequestAbortedError,
  UndeliveredLinesError,
} from '../../src/errors.js'
import { startFaultyTestServer, type FaultyTestServer, type FaultOptions } from '../support/faults.js'
import { numberedLines, stringWriter } from './harness.js'
import type { BatchFailedInfo, BatchWriterOptions, BatchWrittenInfo } from '../../src/write/batch-options.js'
import { settle, waitFor } from '../support/wait.js'

const FAST_RETRY = { minRetryDelay: 1, maxRetryDelay: 5, maxRetries: 3, maxRetryTime: 10_000 }

/** Runs `body` with a server and a writer, and always cleans both up. */
async function withWriter(
  serverOptions: FaultOptions,
  writerOptions: Partial<BatchWriterOptions> & { timeout?: number },
  body: (ctx: {
    server: FaultyTestServer
    writer: ReturnType<typeof stringWriter>['writer']
    bodies: string[]
  }) => Promise<void>,
): Promise<void> {
  const bodies: string[] = []
  const server = await startFaultyTestServer({
    ...serverOptions,
    onAcknowledged: (lines, request) => {
      bodies.push(`${request.url}\n${lines.join('\n')}`)
      serverOptions.onAcknowledged?.(lines, request)
    },
  })
  const { writer, transport } = stringWriter(server.url, { retry: FAST_RETRY, ...writerOptions })
  try {
    await body({ server, writer, bodies })
  } finally {
    writer.abort()
    await writer.close().catch(() => undefined)
    await transport.close()
    await server.close()
  }
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  assert.fail('expected a rejection')
}

describe('BatchWriter: what goes on the wire', () => {
  test('full batches of batchSize lines, joined by \\n, precision in the query', async () => {
    await withWriter({}, { batchSize: 3, maxInFlight: 1 }, async ({ writer, bodies }) => {
      await writer.write(['a v=1 1', 'a v=2 2', 'a v=3 3', 'a v=4 4'])
      await writer.write('a v=5 5', { writePrecision: 's' })
      await writer.close()
      assert.deepEqual(bodies, [
        '/api/v2/write?org=o&bucket=b&precision=ns\na v=1 1\na v=2 2\na v=3 3',
        '/api/v2/write?org=o&bucket=b&precision=ns\na v=4 4',
        '/api/v2/write?org=o&bucket=b&precision=s\na v=5 5',
      ])
    })
  })

  test('small writes are gathered into one batch per precision', async () => {
    await withWriter({}, { batchSize: 100, maxInFlight: 1 }, async ({ writer, bodies }) => {
      await writer.write('a v=1 1')
      await writer.write('a v=2 2', { writePrecision: 'ms' })
      await writer.write('a v=3 3')
      await writer.write('a v=4 4', { writePrecision: 'ms' })
      await writer.flush()
      assert.deepEqual(bodies, [
        '/api/v2/write?org=o&bucket=b&precision=ns\na v=1 1\na v=3 3',
        '/api/v2/write?org=o&bucket=b&precision=ms\na v=2 2\na v=4 4',
      ])
    })
  })

  test('maxBatchBytes cuts batches by UTF-8 size; a longer line travels alone', async () => {
    // 'é' is 2 bytes, so a short line is 10 bytes: two joined by a newline are 21, three are 32.
    const lines = ['a s="é" 1', 'a s="é" 2', 'a s="é" 3', 'a s="a much longer line" 4', 'a s="é" 5']
    await withWriter({}, { batchSize: 100, maxBatchBytes: 22, maxInFlight: 1 }, async ({ writer, bodies }) => {
      await writer.write(lines)
      await writer.close()
      const sent = bodies.map((b) => b.split('\n').slice(1))
      assert.deepEqual(sent, [[lines[0], lines[1]], [lines[2]], [lines[3]], [lines[4]]])
    })
  })

  test('flushInterval sends a partial batch without flush()', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] })
    await withWriter({}, { batchSize: 100, flushInterval: 30 }, async ({ writer, server }) => {
      await writer.write(['a v=1 1', 'a v=2 2'])
      t.mock.timers.tick(29)
      await settle()
      assert.equal(server.requests.length, 0)
      assert.equal(writer.stats.requests, 0)
      t.mock.timers.tick(1)
      await waitFor(() => server.acknowledgedLines >= 2, 'the flushInterval batch', 5000)
      assert.equal(server.acknowledgedLines, 2)
      assert.equal(server.requests.length, 1)
    })
  })

  test('the flushInterval timer does not keep the process alive', async () => {
    const { spawnSync } = await import('node:child_process')
    // A timer that kept the process alive would hold it for 60 s: spawnSync kills it at 30 s (status null).
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', new URL('./unref-child.ts', import.meta.url).pathname],
      {
        encoding: 'utf8',
        timeout: 30_000,
      },
    )
    assert.equal(child.status, 0, child.stderr)
    assert.equal(child.stdout, 'buffered 1\n')
  })

  test('flushInterval 0 sends a partial batch only on flush()', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] })
    await withWriter({}, { batchSize: 100, flushInterval: 0 }, async ({ writer, server }) => {
      await writer.write(['a v=1 1'])
      // An hour on the writer's clock: no timer sends the batch.
      t.mock.timers.tick(3_600_000)
      await settle()
      assert.equal(server.requests.length, 0)
      assert.equal(writer.stats.requests, 0)
      await writer.flush()
      assert.equal(server.acknowledgedLines, 1)
    })
  })

  test('maxInFlight 1 keeps batches in order', async () => {
    const lines = [...numberedLines(1000)]
    await withWriter({ delayMs: 2 }, { batchSize: 37, maxInFlight: 1 }, async ({ writer, bodies }) => {
      await writer.write(lines)
      await writer.close()
      assert.deepEqual(
        bodies.flatMap((b) => b.split('\n').slice(1)),
        lines,
      )
    })
  })
})

describe('BatchWriter: flush and close', () => {
  test('flush() resolves only once every earlier line is acknowledged, across retries', async () => {
    let calls = 0
    await withWriter(
      { decide: () => (++calls <= 2 ? '503' : 'ok') },
      { batchSize: 10, maxInFlight: 2 },
      async ({ writer, server }) => {
        await writer.write([...numberedLines(25)])
        await writer.flush()
        assert.equal(server.acknowledgedLines, 25)
        assert.equal(server.faultCounts['503'], 2)
        assert.equal(writer.stats.bufferedLines, 0)
        assert.equal(writer.stats.writtenLines, 25)
      },
    )
  })

  test('flush() rejects with exactly the lines that failed; close() does not report them again', async () => {
    await withWriter(
      {
        decide: ({ lines }) =>
          lines.includes('m,t=x v=3i 3') ? { status: 400, body: '{"code":"invalid","message":"bad"}' } : 'ok',
      },
      { batchSize: 5, maxInFlight: 2 },
      async ({ writer, server }) => {
        await writer.write([...numberedLines(12)])
        const error = await rejection(writer.flush())
        assert.ok(error instanceof UndeliveredLinesError)
        assert.deepEqual(error.lines, ['m,t=x v=0i 0', 'm,t=x v=1i 1', 'm,t=x v=2i 2', 'm,t=x v=3i 3', 'm,t=x v=4i 4'])
        assert.equal(error.batches.length, 1)
        assert.ok(error.batches[0].reason instanceof InfluxDBError)
        assert.equal(error.batches[0].reason.statusCode, 400)
        assert.equal(server.acknowledgedLines, 7)
        // A 400 is never retried.
        assert.equal(server.requests.filter((r) => r.answer === '400').length, 1)
        await writer.flush()
        await writer.close()
      },
    )
  })

  test('retry budget exhausted: close() rejects with exactly the lines written, with their reason', async () => {
    const lines = [...numberedLines(2345)]
    await withWriter({ decide: () => '503' }, { batchSize: 500, maxInFlight: 3 }, async ({ writer, server }) => {
      await writer.write(lines)
      const error = await rejection(writer.close())
      assert.ok(error instanceof UndeliveredLinesError, String(error))
      assert.equal(error.lines.length, lines.length)
      assert.deepEqual([...error.lines].sort(), [...lines].sort())
      for (const batch of error.batches) {
        assert.equal(batch.precision, 'ns')
        assert.ok(batch.reason instanceof InfluxDBError)
        assert.equal(batch.reason.statusCode, 503)
      }
      // 5 batches, each tried 1 + maxRetries times.
      assert.equal(server.requests.length, 5 * (1 + FAST_RETRY.maxRetries))
      assert.equal(writer.stats.failedLines, lines.length)
      assert.equal(writer.stats.bufferedLines, 0)
    })
  })

  test('close() waits for requests in flight and resolves after the last acknowledgement', async () => {
    await withWriter({ delayMs: 80 }, { batchSize: 10, maxInFlight: 4 }, async ({ writer, server }) => {
      await writer.write([...numberedLines(40)])
      await writer.close()
      // Read at once, before anything else can run: every line was acknowledged when close() resolved.
      const acknowledgedAtClose = server.acknowledgedLines
      const inFlightAtClose = writer.stats.inFlight
      assert.equal(acknowledgedAtClose, 40)
      assert.equal(inFlightAtClose, 0)
      // And nothing went out after it.
      const requests = server.requests.length
      await new Promise((resolve) => setTimeout(resolve, 200))
      assert.equal(server.requests.length, requests)
    })
  })

  test('close() lets a running write finish and rejects writes started after it', async () => {
    await withWriter(
      { delayMs: 10 },
      { batchSize: 10, maxBufferedLines: 20, maxInFlight: 1 },
      async ({ writer, server }) => {
        const running = writer.write([...numberedLines(100)])
        const closing = writer.close()
        assert.equal(writer.close(), closing)
        const late = await rejection(writer.write('m v=1 1'))
        assert.ok(late instanceof ClosedError)
        await running
        await closing
        assert.equal(server.acknowledgedLines, 100)
      },
    )
  })

  test('await using closes the writer', async () => {
    const server = await startFaultyTestServer({})
    const made = stringWriter(server.url, {})
    try {
      {
        await using writer = made.writer
        await writer.write(['a v=1 1', 'a v=2 2'])
      }
      assert.equal(server.acknowledgedLines, 2)
      assert.equal(made.writer.closed, true)
      assert.ok((await rejection(made.writer.write('a v=3 3'))) instanceof ClosedError)
    } finally {
      await made.transport.close()
      await server.close()
    }
  })
})

describe('BatchWriter: retries and refusals', () => {
  test('413 splits the batch in halves until it fits; a single line still refused is undelivered', async () => {
    const failed: BatchFailedInfo[] = []
    const huge = 'm,t=x huge=1i 1'
    await withWriter(
      {
        decide: ({ lines }) =>
          lines.length > 100 || lines.includes(huge)
            ? { status: 413, body: '{"code":"request too large","message":"points batch is too large"}' }
            : 'ok',
      },
      { batchSize: 1000, maxInFlight: 2, onBatchFailed: (info) => void failed.push(info) },
      async ({ writer, server }) => {
        const lines = [...numberedLines(999)]
        lines.splice(500, 0, huge)
        await writer.write(lines)
        const error = await rejection(writer.close())
        assert.ok(error instanceof UndeliveredLinesError)
        assert.deepEqual(error.lines, [huge])
        assert.equal((error.batches[0].reason as InfluxDBError).statusCode, 413)
        assert.equal(server.acknowledgedLines, 999)
        assert.equal(failed.length, 1)
        assert.deepEqual(failed[0].lines, [huge])
        // Never retried as is: every 413'd body is sent once.
        const refused = server.requests.filter((r) => r.answer === '413')
        assert.equal(new Set(refused.map((r) => r.hash)).size, refused.length)
      },
    )
  })

  test('a 1.x partial write that names the refused line: only that line is undelivered', async () => {
    const bad = 'm,t=x v=2i 2'
    const written: BatchWrittenInfo[] = []
    await withWriter(
      {
        decide: ({ lines }) =>
          lines.includes(bad)
            ? {
                status: 400,
                body: JSON.stringify({ error: `partial write: unable to parse '${bad}': injected dropped=0` }),
              }
            : 'ok',
      },
      { batchSize: 5, maxInFlight: 1, onBatchWritten: (info) => void written.push(info) },
      async ({ writer, server }) => {
        await writer.write([...numberedLines(10)])
        const error = await rejection(writer.close())
        assert.ok(error instanceof UndeliveredLinesError)
        assert.deepEqual(error.lines, [bad])
        assert.ok(error.batches[0].reason instanceof PartialWriteError)
        assert.equal(writer.stats.writtenLines, 9)
        assert.equal(server.requests.length, 2)
        // The accepted lines of the partial batch count as written.
        assert.deepEqual(
          written.map((w) => w.lineCount),
          [4, 5],
        )
      },
    )
  })

  test('a partial write refusing two identical lines after a string value with a line feed: both are undelivered', async () => {
    const lines = ['m s="one\ntwo" 1', 'm f= 2', 'm v=1 3', 'm f= 2', 'm v=2 5']
    await withWriter(
      {
        decide: () => ({
          status: 400,
          body: JSON.stringify({
            error:
              "partial write: unable to parse 'm f= 2': missing field value\nunable to parse 'm f= 2': missing field value dropped=0",
          }),
        }),
      },
      { batchSize: 5, maxInFlight: 1 },
      async ({ writer }) => {
        await writer.write(lines)
        const error = await rejection(writer.close())
        assert.ok(error instanceof UndeliveredLinesError)
        assert.deepEqual(error.lines, ['m f= 2', 'm f= 2'])
        assert.equal(writer.stats.writtenLines, 3)
        assert.equal(writer.stats.failedLines, 2)
      },
    )
  })

  test('a 2.x 422 partial write with only a count: the whole batch is reported undelivered', async () => {
    const message = 'failure writing points to database: partial write: field type conflict dropped=1'
    await withWriter(
      {
        decide: ({ index }) =>
          index === 0 ? { status: 422, body: JSON.stringify({ code: 'unprocessable entity', message }) } : 'ok',
      },
      { batchSize: 3, maxInFlight: 1 },
      async ({ writer }) => {
        await writer.write([...numberedLines(6)])
        const error = await rejection(writer.close())
        assert.ok(error instanceof UndeliveredLinesError)
        assert.deepEqual(error.lines, ['m,t=x v=0i 0', 'm,t=x v=1i 1', 'm,t=x v=2i 2'])
        assert.ok(error.batches[0].reason instanceof PartialWriteError)
        assert.equal(error.batches[0].reason.message, message)
      },
    )
  })

  test('undelivered lines past maxBufferedLines are reported by the next write(), which takes nothing: memory stays bounded', async () => {
    await withWriter(
      { decide: () => ({ status: 400, body: '{"code":"invalid","message":"refused"}' }) },
      { batchSize: 10, maxBufferedLines: 30, maxInFlight: 1 },
      async ({ writer }) => {
        let reported: UndeliveredLinesError | undefined
        let written = 0
        for (let page = 0; page < 20 && reported === undefined; page++) {
          try {
            await writer.write([...numberedLines(10, page * 10)])
            written += 10
            // A full batch goes out at once; wait for its refusal, which stays unreported (no flush).
            await waitFor(() => writer.stats.failedLines === written, `the refusal of page ${page}`)
          } catch (error) {
            assert.ok(error instanceof UndeliveredLinesError, String(error))
            reported = error
          }
        }
        assert.ok(reported !== undefined, 'write() never reported the undelivered lines')
        // Exactly the lines written before, each once; the refused call's own page was not taken.
        assert.deepEqual(reported.lines, [...numberedLines(written)])
        // 40 unreported lines are more than maxBufferedLines (30): the fifth write() reported them.
        assert.equal(written, 40)
        assert.equal(writer.stats.bufferedLines, 0)
        await writer.close()
      },
    )
  })

  test('a long async stream into a refusing server: the piled-up undelivered lines are reported during writeAll(); no line is lost', async () => {
    await withWriter(
      { decide: () => ({ status: 400, body: '{"code":"invalid","message":"refused"}' }) },
      { batchSize: 10, maxBufferedLines: 30, maxInFlight: 1 },
      async ({ writer }) => {
        let yielded = 0
        async function* source(): AsyncGenerator<string> {
          for (let i = 0; i < 2000; i++) {
            yielded++
            yield `m,t=x v=${i}i ${i}`
            // Give the refusals time to come back while the stream runs.
            if (i % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 1))
          }
        }
        const during = await writer.writeAll(source()).then(
          () => undefined,
          (e: unknown) => e,
        )
        assert.ok(during instanceof UndeliveredLinesError, `writeAll() did not report: ${String(during)}`)
        assert.ok(yielded < 2000, 'the rest of the source was read after the report')
        const atClose = await writer.close().then(
          () => undefined,
          (e: unknown) => e,
        )
        const later = atClose instanceof UndeliveredLinesError ? atClose.lines : []
        // Every yielded line is reported exactly once, by writeAll() or by close().
        const reported = [...during.lines, ...later]
        assert.equal(new Set(reported).size, reported.length)
        assert.deepEqual(
          reported.map((l) => Number(/v=(\d+)i/.exec(l)![1])).sort((a, b) => a - b),
          Array.from({ length: yielded }, (_, i) => i),
        )
      },
    )
  })

  test('retry: false sends each batch once', async () => {
    await withWriter({ decide: () => '503' }, { batchSize: 2, retry: false }, async ({ writer, server }) => {
      await writer.write(['a v=1 1', 'a v=2 2', 'a v=3 3'])
      const error = await rejection(writer.close())
      assert.ok(error instanceof UndeliveredLinesError)
      assert.equal(error.lines.length, 3)
      assert.equal(server.requests.length, 2)
    })
  })

  test('Retry-After as an HTTP date is honoured', async () => {
    let askedFor = ''
    const arrivals: number[] = []
    await withWriter(
      {
        decide: () => {
          arrivals.push(Date.now())
          if (askedFor !== '') return 'ok'
          askedFor = new Date(Date.now() + 2000).toUTCString()
          return { status: 503, headers: { 'retry-after': askedFor } }
        },
      },
      { batchSize: 10 },
      async ({ writer }) => {
        await writer.write(['a v=1 1'])
        await writer.flush()
        // Not one millisecond before the moment the header named (by the same wall clock).
        assert.equal(arrivals.length, 2)
        assert.ok(
          arrivals[1] >= Date.parse(askedFor),
          `retried ${Date.parse(askedFor) - arrivals[1]} ms before ${askedFor}`,
        )
      },
    )
  })

  test('onBatchWritten and onBatchFailed report each batch; an async callback holds the lines', async () => {
    const written: BatchWrittenInfo[] = []
    let releaseFailed: () => void = () => undefined
    const failedHeld = new Promise<void>((resolve) => (releaseFailed = resolve))
    const failed: BatchFailedInfo[] = []
    await withWriter(
      {
        decide: ({ lines }) =>
          lines[0] === 'a v=3 3'
            ? { status: 401, body: '{"code":"unauthorized","message":"unauthorized access"}' }
            : 'ok',
      },
      {
        batchSize: 2,
        maxInFlight: 1,
        onBatchWritten: (info) => void written.push(info),
        onBatchFailed: async (info) => {
          failed.push(info)
          await failedHeld
        },
      },
      async ({ writer }) => {
        await writer.write(['a v=1 1', 'a v=2 2', 'a v=3 3', 'a v=4 4'])
        const closing = rejection(writer.close())
        await waitFor(() => failed.length > 0, 'onBatchFailed')
        assert.equal(writer.stats.bufferedLines, 2, 'the failed lines stay buffered while the callback runs')
        releaseFailed()
        const error = await closing
        assert.ok(error instanceof UndeliveredLinesError)
        assert.deepEqual(
          written.map((w) => [w.precision, w.lineCount, w.requests]),
          [['ns', 2, 1]],
        )
        assert.deepEqual(
          failed.map((f) => f.lines),
          [['a v=3 3', 'a v=4 4']],
        )
        assert.equal((failed[0].reason as InfluxDBError).statusCode, 401)
      },
    )
  })

  test('throwing callbacks: every call is reported once, by the next flush or close, with the undelivered lines when there are some', async () => {
    let calls = 0
    await withWriter(
      {
        decide: ({ lines }) =>
          lines.some((l) => l.startsWith('bad'))
            ? { status: 401, body: '{"code":"unauthorized","message":"no"}' }
            : 'ok',
      },
      {
        batchSize: 1,
        maxInFlight: 1,
        onBatchWritten: () => {
          throw new Error(`written callback bug ${++calls}`)
        },
        onBatchFailed: () => Promise.reject(new Error('failed callback bug')),
      },
      async ({ writer }) => {
        await writer.write(['a v=1 1', 'a v=2 2'])
        const first = await rejection(writer.flush())
        assert.ok(first instanceof BatchCallbackError)
        assert.equal(first.message, 'a BatchWriter callback threw (2 calls): written callback bug 1')
        assert.deepEqual(
          first.errors.map((e) => (e as Error).message),
          ['written callback bug 1', 'written callback bug 2'],
        )
        assert.equal((first.cause as Error).message, 'written callback bug 1')
        await writer.flush()
        await writer.write(['a v=3 3', 'bad v=4 4'])
        const last = await rejection(writer.close())
        assert.ok(last instanceof UndeliveredLinesError)
        assert.deepEqual(last.lines, ['bad v=4 4'])
        assert.deepEqual(
          last.callbackErrors.map((e) => (e as Error).message),
          ['written callback bug 3', 'failed callback bug'],
        )
        assert.match(last.message, /; 2 callback call\(s\) threw too$/)
      },
    )
  })
})

describe('BatchWriter: backpressure', () => {
  test('slow server: buffered lines and requests in flight never exceed their limits', async () => {
    const limits = { batchSize: 200, maxBufferedLines: 1000, maxInFlight: 2 }
    await withWriter({ delayMs: 50 }, { ...limits, flushInterval: 20 }, async ({ writer, server }) => {
      let maxSampled = 0
      const sampler = setInterval(() => {
        maxSampled = Math.max(maxSampled, writer.stats.bufferedLines)
      }, 1)
      try {
        // Many small writes and one large one, concurrently.
        const small = (async () => {
          for (const line of numberedLines(3000)) await writer.write(line)
        })()
        const large = writer.write([...numberedLines(3000, 3000)])
        await Promise.all([small, large])
        await writer.close()
      } finally {
        clearInterval(sampler)
      }
      assert.equal(server.acknowledgedLines, 6000)
      assert.ok(
        writer.stats.peakBufferedLines <= limits.maxBufferedLines,
        `peak buffered ${writer.stats.peakBufferedLines}`,
      )
      assert.ok(maxSampled <= limits.maxBufferedLines)
      assert.equal(
        writer.stats.peakBufferedLines,
        limits.maxBufferedLines,
        'the buffer did fill up: the producers were held back',
      )
      assert.ok(server.peakConcurrent <= limits.maxInFlight, `server saw ${server.peakConcurrent} at once`)
      assert.equal(writer.stats.peakInFlight, limits.maxInFlight)
    })
  })

  test('dead server: batches waiting for retry hold the buffer, write() waits, abort() reports everything', async () => {
    await withWriter(
      { decide: () => '503' },
      {
        batchSize: 100,
        maxBufferedLines: 300,
        maxInFlight: 2,
        retry: { minRetryDelay: 20, maxRetryDelay: 20, maxRetries: 1000, maxRetryTime: 600_000 },
      },
      async ({ writer, server }) => {
        const writing = writer.write([...numberedLines(1000)])
        let settled = false
        writing.then(
          () => (settled = true),
          () => (settled = true),
        )
        // Several rounds of 503 and retry for each batch on the wire, while the buffer stays full.
        await waitFor(() => server.requests.length >= 12, 'retries of the batches on the wire')
        assert.equal(settled, false, 'write() must wait while the buffer is full')
        assert.equal(writer.stats.bufferedLines, 300)
        assert.ok(writer.stats.retryWaits + writer.stats.inFlight > 0)
        writer.abort(new Error('shutting down'))
        assert.ok((await rejection(writing)) instanceof RequestAbortedError)
        const error = await rejection(writer.close())
        assert.ok(error instanceof UndeliveredLinesError)
        assert.deepEqual([...error.lines].sort(), [...numberedLines(300)].sort())
        for (const batch of error.batches) assert.ok(batch.reason instanceof RequestAbortedError)
      },
    )
  })

  test('options.signal aborts requests on the wire', async () => {
    const controller = new AbortController()
    await withWriter(
      { decide: () => 'stall', stallMs: 10_000 },
      { batchSize: 2, signal: controller.signal },
      async ({ writer }) => {
        await writer.write(['a v=1 1', 'a v=2 2', 'a v=3 3'])
        await waitFor(() => writer.stats.inFlight > 0, 'a request in flight')
        controller.abort()
        const error = await rejection(writer.close())
        assert.ok(error instanceof UndeliveredLinesError)
        assert.deepEqual([...error.lines].sort(), ['a v=1 1', 'a v=2 2', 'a v=3 3'])
        assert.ok((await rejection(writer.write('a v=4 4'))) instanceof ClosedError)
      },
    )
  })
})

describe('BatchWriter: options', () => {
  test('bad options are refused before anything is sent', async () => {
    const server = await startFaultyTestServer({})
    try {
      for (const [options, message] of [
        [{ batchSize: 10, maxBufferedLines: 5 }, /maxBufferedLines \(5\) must be at least batchSize \(10\)/],
        [{ batchSize: 0 }, /batchSize must be an integer >= 1, got 0/],
        [{ maxInFlight: 1.5 }, /maxInFlight must be an integer >= 1, got 1.5/],
        [{ flushInterval: -1 }, /flushInterval must be an integer >= 0/],
        // Longer than a timer holds: it would fire after 1 ms.
        [{ flushInterval: 2 ** 31 }, /flushInterval must be an integer >= 0 and <= 2147483647, got 2147483648/],
        // Checked when the writer is made, not per request in the background.
        [{ timeout: 0 }, /"timeout" must be a positive number of milliseconds up to 2147483647, got 0/],
        [{ timeout: Number.NaN }, /"timeout" must be a positive number of milliseconds up to 2147483647, got NaN/],
        [{ timeout: 'abc' as unknown as number }, /"timeout" must be a positive number .* got abc/],
        [{ timeout: 1e12 }, /"timeout" must be a positive number .* got 1000000000000/],
        [
          { retry: { maxRetryTime: 1e12 } },
          /retry.maxRetryTime must be a finite number >= 0 and <= 2147483647, got 1000000000000/,
        ],
        [{ retry: { retryStatusCodes: [400] } }, /retry.retryStatusCodes: 400 is never retried/],
        [{ writePrecision: 'h' }, /writePrecision must be ns, us, ms or s, got h/],
        [{ bucket: '' }, /needs a bucket/],
        // Record options that are numbers too, not only at the first write.
        [{ chunkSize: 0 }, /chunkSize must be an integer >= 1, got 0/],
        [{ chunkSize: -1 }, /chunkSize must be an integer >= 1, got -1/],
        [{ retry: 'yes' as unknown as false }, /retry must be an object of retry settings, or false, got yes/],
        [{ retry: { maxRetries: -1 } }, /retry.maxRetries must be a finite number >= 0, got -1/],
      ] as const) {
        assert.throws(
          () => stringWriter(server.url, options as Partial<BatchWriterOptions>),
          (e: unknown) => e instanceof InvalidArgumentError && message.test(e.message),
        )
      }
      assert.equal(server.requests.length, 0)
    } finally {
      await server.close()
    }
  })
})
