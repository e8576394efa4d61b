// flushInterval counts from the first line of the batch that is still open: the timer of a batch
// that was already sent full must not cut the next one short, on the lone-record path (a Point per
// write()) as on the chunk path (arrays of lines). The writer's timers run on node:test's mocked
// clock, so each check falls at an exact point of it; requests still go over real sockets.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { InfluxDBClientAsync, Point } from '../../src/index.js'
import { startTestServer } from '../../src/testing/index.js'
import { startFaultyTestServer } from '../support/faults.js'
import { stringWriter } from './harness.js'
import { settle, waitFor } from '../support/wait.js'

const FLUSH_INTERVAL = 1000

// batchSize 10 completes a batch as the tenth record is written; batchSize 1000 as records are
// handed on to the batch in groups, with lines of the next batch already staged.
for (const { batchSize, first, second } of [
  { batchSize: 10, first: 5, second: 6 },
  { batchSize: 1000, first: 600, second: 424 },
]) {
  test(`lone records, batchSize ${batchSize}: the lines left open once a batch is complete wait their own flushInterval`, async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] })
    await using server = await startTestServer({ org: 'o', buckets: ['b'] })
    await using client = new InfluxDBClientAsync({ url: server.url, token: server.token, org: 'o' })
    const writes = (): string[] => server.requests.filter((r) => r.path === '/api/v2/write').map((r) => r.body)
    await using writer = client.writeApi().batchWriter({ bucket: 'b', batchSize, flushInterval: FLUSH_INTERVAL })
    let n = 0
    for (let i = 0; i < first; i++) await writer.write(new Point('m').field('v', n).time(n++))
    t.mock.timers.tick(0.6 * FLUSH_INTERVAL)
    for (let i = 0; i < second; i++) await writer.write(new Point('m').field('v', n).time(n++))
    await waitFor(() => writes().length === 1, 'the full batch')
    // Past the first batch's interval, one millisecond before the open lines' own.
    t.mock.timers.tick(FLUSH_INTERVAL - 1)
    await settle()
    assert.equal(writer.stats.requests, 1, "the open lines were sent by the first batch's timer")
    assert.equal(writes().length, 1)
    t.mock.timers.tick(1)
    await waitFor(() => writes().length === 2, 'the second batch, after its own flushInterval')
    assert.deepEqual(
      writes().map((body) => body.split('\n').length),
      [batchSize, first + second - batchSize],
    )
  })
}

test('chunks: a batch completed by a later write restarts flushInterval for the lines left open', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] })
  const server = await startFaultyTestServer()
  const { writer, transport } = stringWriter(server.url, { batchSize: 10, flushInterval: FLUSH_INTERVAL })
  try {
    await writer.write(Array.from({ length: 5 }, (_, i) => `m v=${i} ${i}`))
    t.mock.timers.tick(0.6 * FLUSH_INTERVAL)
    await writer.write(Array.from({ length: 10 }, (_, i) => `m v=${5 + i} ${5 + i}`))
    await waitFor(() => server.acknowledgedLines === 10, 'the batch completed by the second write')
    t.mock.timers.tick(FLUSH_INTERVAL - 1)
    await settle()
    assert.equal(server.requests.length, 1, "the open lines were sent by the completed batch's timer")
    t.mock.timers.tick(1)
    await waitFor(() => server.acknowledgedLines === 15, 'the open lines, after their own flushInterval')
    assert.deepEqual(
      server.requests.map((r) => r.lineCount),
      [10, 5],
    )
  } finally {
    await writer.close()
    await transport.close()
    await server.close()
  }
})
