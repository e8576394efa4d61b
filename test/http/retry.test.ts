import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { RetryPolicy, sleep } from '../../src/http/retry.js'
import { settle, waitFor } from '../support/wait.js'
import { RETRY_DEFAULTS } from '../../src/defaults.js'
import {
  InfluxDBError,
  InvalidArgumentError,
  NetworkError,
  PartialWriteError,
  RequestAbortedError,
  RequestTimeoutError,
} from '../../src/errors.js'

const httpError = (statusCode: number, headers: Record<string, string> = {}): InfluxDBError =>
  new InfluxDBError({ statusCode, body: '', headers })

describe('RetryPolicy.isRetriable', () => {
  const policy = new RetryPolicy()
  test('retries network errors, timeouts, 408, 429, 502, 503, 504', () => {
    assert.equal(policy.isRetriable(new NetworkError('x', { errorCode: 'ECONNRESET' })), true)
    assert.equal(policy.isRetriable(new RequestTimeoutError(10)), true)
    for (const s of [408, 429, 502, 503, 504]) assert.equal(policy.isRetriable(httpError(s)), true, String(s))
  })
  test('never retries 4xx, 500, partial writes, aborts or other errors', () => {
    for (const s of [300, 301, 400, 401, 403, 404, 405, 413, 422, 500, 501])
      assert.equal(policy.isRetriable(httpError(s)), false, String(s))
    assert.equal(
      policy.isRetriable(new PartialWriteError({ statusCode: 503, body: '', headers: {}, rejectedLines: [] })),
      false,
    )
    assert.equal(policy.isRetriable(new RequestAbortedError('x')), false)
    assert.equal(policy.isRetriable(new TypeError('bug')), false)
  })
  test('500 can be opted in; the list adds to the defaults, which stay retried', () => {
    const withInternal = new RetryPolicy({ retryStatusCodes: [500] })
    for (const s of [408, 429, 500, 502, 503, 504])
      assert.equal(withInternal.isRetriable(httpError(s)), true, String(s))
    assert.deepEqual(withInternal.options.retryStatusCodes, [408, 429, 500, 502, 503, 504])
  })
  test('statuses a retry cannot fix, and non-error statuses, are refused with the reason', () => {
    for (const s of [400, 401, 403, 404, 413, 422]) {
      assert.throws(() => new RetryPolicy({ retryStatusCodes: [503, s] }), {
        name: 'InvalidArgumentError',
        message: `retry.retryStatusCodes: ${s} is never retried, a retry cannot succeed`,
      })
    }
    for (const s of [204, 399, 600, 500.5, NaN]) {
      assert.throws(() => new RetryPolicy({ retryStatusCodes: [s] }), {
        name: 'InvalidArgumentError',
        message: `retry.retryStatusCodes: ${s} is not an HTTP error status (400-599)`,
      })
    }
    assert.throws(() => new RetryPolicy({ retryStatusCodes: 500 as unknown as number[] }), /must be an array/)
  })
})

describe('RetryPolicy.nextDelay', () => {
  test('full jitter between min and the exponential ceiling', () => {
    const low = new RetryPolicy(
      { minRetryDelay: 100, maxRetryDelay: 1000, maxRetries: 10, maxRetryTime: 1e9 },
      { random: () => 0 },
    )
    const high = new RetryPolicy(
      { minRetryDelay: 100, maxRetryDelay: 1000, maxRetries: 10, maxRetryTime: 1e9 },
      { random: () => 1 },
    )
    const err = httpError(503)
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((n) => low.nextDelay(n, err, 0)),
      [100, 100, 100, 100, 100],
    )
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((n) => high.nextDelay(n, err, 0)),
      [100, 200, 400, 800, 1000],
    )
  })
  test('never sooner than Retry-After, even above maxRetryDelay', () => {
    const policy = new RetryPolicy({ minRetryDelay: 10, maxRetryDelay: 100, maxRetryTime: 60_000 }, { random: () => 0 })
    assert.equal(policy.nextDelay(1, httpError(429, { 'retry-after': '3' }), 0), 3000)
  })
  test('gives up after maxRetries, when the budget would be exceeded, and on non-retriable errors', () => {
    const policy = new RetryPolicy(
      { maxRetries: 2, minRetryDelay: 100, maxRetryDelay: 100, maxRetryTime: 1000 },
      { random: () => 0 },
    )
    assert.equal(policy.nextDelay(2, httpError(503), 0), 100)
    assert.equal(policy.nextDelay(3, httpError(503), 0), undefined)
    assert.equal(policy.nextDelay(1, httpError(503), 950), undefined)
    assert.equal(policy.nextDelay(1, httpError(429, { 'retry-after': '2' }), 0), undefined)
    assert.equal(policy.nextDelay(1, httpError(400), 0), undefined)
  })
  test('defaults and validation', () => {
    assert.deepEqual(
      { ...new RetryPolicy().options, retryStatusCodes: [...new RetryPolicy().options.retryStatusCodes] },
      {
        maxRetries: 3,
        minRetryDelay: 1000,
        maxRetryDelay: 30_000,
        maxRetryTime: 60_000,
        exponentialBase: 2,
        retryStatusCodes: [408, 429, 502, 503, 504],
      },
    )
    assert.equal(RETRY_DEFAULTS.maxRetries, 3)
    assert.throws(() => new RetryPolicy({ maxRetries: -1 }), InvalidArgumentError)
    assert.throws(() => new RetryPolicy({ minRetryDelay: 10, maxRetryDelay: 5 }), /smaller than/)
  })
})

describe('RetryPolicy.run', () => {
  test('retries until success and reports each retry', async () => {
    const policy = new RetryPolicy({ minRetryDelay: 1, maxRetryDelay: 5 })
    const events: number[] = []
    const result = await policy.run(
      (n) => (n < 3 ? Promise.reject(httpError(503)) : Promise.resolve(`ok after ${n}`)),
      { onRetry: (e) => events.push(e.attempt) },
    )
    assert.equal(result, 'ok after 3')
    assert.deepEqual(events, [1, 2])
  })
  test('rethrows the last error when retries run out, and at once for non-retriable', async () => {
    const policy = new RetryPolicy({ maxRetries: 2, minRetryDelay: 1, maxRetryDelay: 2 })
    let calls = 0
    await assert.rejects(
      policy.run(() => {
        calls++
        return Promise.reject(httpError(503))
      }),
      (e: unknown) => e instanceof InfluxDBError && e.statusCode === 503,
    )
    assert.equal(calls, 3)
    calls = 0
    await assert.rejects(
      policy.run(() => {
        calls++
        return Promise.reject(httpError(401))
      }),
      InfluxDBError,
    )
    assert.equal(calls, 1)
  })
  test('an abort during the wait rejects with RequestAbortedError', async (t) => {
    // The 10 s wait is on the mocked clock: it cannot end by itself while the test runs.
    t.mock.timers.enable({ apis: ['setTimeout'] })
    const policy = new RetryPolicy({ minRetryDelay: 10_000, maxRetryDelay: 10_000 })
    const controller = new AbortController()
    let calls = 0
    const running = policy.run(
      () => {
        calls++
        return Promise.reject(httpError(503))
      },
      { signal: controller.signal },
    )
    await waitFor(() => calls === 1, 'the first attempt')
    t.mock.timers.tick(9_999)
    controller.abort()
    await assert.rejects(running, RequestAbortedError)
    assert.equal(calls, 1)
  })
  test('sleep resolves after its delay, and rejects when already aborted', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] })
    let resolved = false
    const sleeping = sleep(1000).then(() => (resolved = true))
    t.mock.timers.tick(999)
    await settle(2)
    assert.equal(resolved, false)
    t.mock.timers.tick(1)
    await sleeping
    assert.equal(resolved, true)
    await assert.rejects(sleep(1000, AbortSignal.abort()), RequestAbortedError)
  })
})
