// One suite of write, delete, BatchWriter and error scenarios, run against every server
// generation: the embedded server in each mode, real InfluxDB 1.6.7 natively, VictoriaMetrics
// through 'auto'. Each target says how to read its points back and what its generation does with
// a bad line or a delete; the scenarios assert what was stored, not what was sent.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  InfluxDBClientAsync,
  InfluxDBError,
  PartialWriteError,
  Point,
  UnsupportedOperationError,
  predicate,
  type ApiVersion,
  type ClientOptions,
} from '../../src/index.js'

export interface ScenarioTarget {
  /** Options of a client for this target; `apiVersion` is set by each scenario. */
  clientOptions(): ClientOptions
  bucket: string
  /** The API this server's generation takes, which 'auto' must find. */
  api: ApiVersion
  /** `host@ns` of every stored point of `measurement`, sorted. */
  read(measurement: string, count: number): Promise<string[]>
  /** What the server does with a body holding one bad line among good ones. */
  badLine: 'only-bad-line-refused' | 'whole-body-refused' | 'accepted-silently'
  /** What `delete()` does: deletes the range, is refused by the client (3.x), or refused by the server. */
  deletes: 'range' | 'unsupported' | 'server-error'
  /** Makes the next write answer `status` once (embedded servers only). */
  failNextWrite?: (status: number) => void
}

/** What a server can be made to do, known when the tests are defined: scenarios it cannot run are not defined for it. */
export interface ScenarioAbilities {
  /** Failures can be injected (`failNextWrite`): the embedded servers only. */
  injectsFailures: boolean
  /** A path of another API answers 404 (VictoriaMetrics takes every path). */
  refusesOtherApis: boolean
}

/** Runs every scenario that the server's abilities allow as a `test` in the current `describe`. */
export function defineApiScenarios(target: () => ScenarioTarget, prefix: string, abilities: ScenarioAbilities): void {
  const client = (options: Partial<ClientOptions> = {}): InfluxDBClientAsync => {
    const t = target()
    return new InfluxDBClientAsync({ ...t.clientOptions(), apiVersion: t.api, ...options })
  }
  // Near now: VictoriaMetrics keeps only a window around the present. Whole milliseconds, which every server keeps.
  const baseSeconds = BigInt(Math.floor(Date.now() / 1000) - 3600)

  test("'auto' asks /ping once and takes the generation's own API", async () => {
    const t = target()
    await using c = client({ apiVersion: 'auto' })
    assert.equal(c.apiVersion, undefined)
    const m = `${prefix}_auto`
    await c.writeApi().write(t.bucket, undefined, `${m},host=a v=1 ${baseSeconds}`, 's')
    await c.writeApi().write(t.bucket, undefined, `${m},host=b v=1 ${baseSeconds}`, 's')
    assert.equal(c.apiVersion, t.api)
    assert.deepEqual(await t.read(m, 2), [`a@${baseSeconds * 1_000_000_000n}`, `b@${baseSeconds * 1_000_000_000n}`])
  })

  test('write(): each precision lands at its instant', async () => {
    const t = target()
    await using c = client()
    const m = `${prefix}_prec`
    const ms = baseSeconds * 1000n
    await c.writeApi().write(t.bucket, undefined, [
      new Point(m).tag('host', 's').field('v', 1).time(baseSeconds, 's'),
      new Point(m)
        .tag('host', 'ms')
        .field('v', 1)
        .time(ms + 7n, 'ms'),
      new Point(m)
        .tag('host', 'us')
        .field('v', 1)
        .time((ms + 8n) * 1000n, 'us'),
      new Point(m)
        .tag('host', 'ns')
        .field('v', 1)
        .time((ms + 9n) * 1_000_000n, 'ns'),
    ])
    assert.deepEqual(await t.read(m, 4), [
      `ms@${(ms + 7n) * 1_000_000n}`,
      `ns@${(ms + 9n) * 1_000_000n}`,
      `s@${ms * 1_000_000n}`,
      `us@${(ms + 8n) * 1_000_000n}`,
    ])
  })

  test('BatchWriter: every line arrives, in batches, by close()', async () => {
    const t = target()
    await using c = client()
    const m = `${prefix}_batch`
    const writer = c.writeApi().batchWriter({ bucket: t.bucket, batchSize: 40, flushInterval: 0, writePrecision: 'ms' })
    const ms = baseSeconds * 1000n
    for (let i = 0n; i < 100n; i++) await writer.write(`${m},host=h${i % 4n} v=${i} ${ms + i}`)
    await writer.close()
    const stored = await t.read(m, 100)
    assert.equal(stored.length, 100)
    assert.ok(stored.includes(`h3@${(ms + 99n) * 1_000_000n}`))
  })

  test('BatchWriter: a bad line in a batch', async () => {
    const t = target()
    await using c = client()
    const m = `${prefix}_badline`
    const failed: string[][] = []
    const writer = c.writeApi().batchWriter({
      bucket: t.bucket,
      flushInterval: 0,
      writePrecision: 's',
      onBatchFailed: (info) => void failed.push(info.lines),
    })
    const bad = `${m},host=bad v= ${baseSeconds}`
    await writer.write([`${m},host=a v=1 ${baseSeconds}`, bad, `${m},host=c v=1 ${baseSeconds}`])
    if (t.badLine === 'accepted-silently') {
      await writer.close()
      assert.deepEqual(failed, [])
      assert.deepEqual(await t.read(m, 2), [`a@${baseSeconds * 1_000_000_000n}`, `c@${baseSeconds * 1_000_000_000n}`])
      return
    }
    await assert.rejects(writer.close(), (e: unknown) => e instanceof Error && e.name === 'UndeliveredLinesError')
    if (t.badLine === 'only-bad-line-refused') {
      assert.deepEqual(failed, [[bad]], 'only the line the server named is undelivered')
      assert.deepEqual(await t.read(m, 2), [`a@${baseSeconds * 1_000_000_000n}`, `c@${baseSeconds * 1_000_000_000n}`])
    } else {
      assert.equal(failed.flat().length, 3, 'the whole body was refused, so all of it is undelivered')
      assert.deepEqual(await t.read(m, 0), [])
    }
  })

  test('write(): a bad line is an error naming it', async () => {
    const t = target()
    await using c = client()
    const m = `${prefix}_oneshot`
    const bad = `${m},host=bad v=1 ${baseSeconds} extra`
    const body = [`${m},host=a v=1 ${baseSeconds}`, bad].join('\n')
    const outcome = await c
      .writeApi()
      .write(t.bucket, undefined, body, 's')
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    if (t.badLine === 'accepted-silently') {
      assert.equal(outcome, undefined)
      return
    }
    assert.ok(outcome instanceof InfluxDBError, String(outcome))
    assert.equal(outcome.statusCode, 400)
    if (t.badLine === 'only-bad-line-refused') {
      assert.ok(outcome instanceof PartialWriteError, `${outcome.name}: ${outcome.message}`)
      assert.deepEqual(
        outcome.rejectedLines.map((r) => [r.lineNumber, r.line]),
        [[2, bad]],
      )
      assert.deepEqual(await t.read(m, 1), [`a@${baseSeconds * 1_000_000_000n}`])
    } else {
      assert.ok(!(outcome instanceof PartialWriteError), 'nothing was written: not a partial write')
    }
  })

  test('delete(): both range ends inclusive, by measurement and tag', async () => {
    const t = target()
    await using c = client()
    const m = `${prefix}_del`
    const ns = (i: bigint): bigint => (baseSeconds + i) * 1_000_000_000n
    const lines = ['a', 'b'].flatMap((host) =>
      [0n, 1n, 2n, 3n, 4n].map((i) => `${m},host=${host} v=1 ${baseSeconds + i}`),
    )
    await c.writeApi().write(t.bucket, undefined, lines, 's')
    await t.read(m, 10)
    const deleting = c.deleteApi().delete(ns(1n), ns(3n), predicate({ _measurement: m, host: 'a' }), t.bucket)
    if (t.deletes === 'unsupported') {
      await assert.rejects(
        deleting,
        (e: unknown) =>
          e instanceof UnsupportedOperationError &&
          /retention period/.test(e.message) &&
          /drop a table/.test(e.message),
      )
      return
    }
    if (t.deletes === 'server-error') {
      await assert.rejects(deleting, InfluxDBError)
      return
    }
    assert.equal(await deleting, true)
    assert.deepEqual(await t.read(m, 7), [
      `a@${ns(0n)}`,
      `a@${ns(4n)}`,
      ...[0n, 1n, 2n, 3n, 4n].map((i) => `b@${ns(i)}`),
    ])
  })

  if (abilities.injectsFailures)
    test('a 503 answer is retried, with the same error classes on every API', async () => {
      const t = target()
      assert.ok(t.failNextWrite, 'a target that injects failures has failNextWrite')
      await using c = client({ retry: { minRetryDelay: 1, maxRetryDelay: 5 } })
      const m = `${prefix}_retry`
      t.failNextWrite(503)
      await c.writeApi().write(t.bucket, undefined, `${m},host=a v=1 ${baseSeconds}`, 's')
      assert.deepEqual(await t.read(m, 1), [`a@${baseSeconds * 1_000_000_000n}`])
      await using once = client({ retry: false })
      t.failNextWrite(503)
      await assert.rejects(
        once.writeApi().write(t.bucket, undefined, `${m},host=b v=1 ${baseSeconds}`, 's'),
        (e: unknown) => e instanceof InfluxDBError && e.statusCode === 503,
      )
    })

  if (abilities.refusesOtherApis)
    test('a wrong apiVersion: the 404 names the choice and the API the server needs', async () => {
      const t = target()
      const wrong: ApiVersion = t.api === 'v1' ? 'v2' : t.api === 'v2' ? 'v3' : 'v1'
      await using c = client({ apiVersion: wrong, org: 'some-org' })
      const error = await c
        .writeApi()
        .write(t.bucket, undefined, `${prefix}_wrong v=1 1`)
        .then(
          () => assert.fail('must reject'),
          (e: unknown) => e,
        )
      assert.ok(error instanceof InfluxDBError && error.statusCode === 404, String(error))
      assert.match(error.message, new RegExp(`apiVersion: '${wrong}'.*needs apiVersion: '${t.api}' or 'auto'`))
    })
}
