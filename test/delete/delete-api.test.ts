import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { InfluxDBClientAsync } from '../../src/client.js'
import { predicate } from '../../src/delete/predicate.js'
import { InfluxDBError, InvalidArgumentError } from '../../src/errors.js'
import type { TestReply as Reply, TestServer } from '../../src/testing/index.js'
import { startAnsweringServer } from '../support/replies.js'

async function withClient(
  replies: Reply[],
  run: (client: InfluxDBClientAsync, requests: TestServer['requests']) => Promise<void>,
  org: { org?: string } = { org: 'my-org' },
) {
  const server = await startAnsweringServer(replies)
  const client = new InfluxDBClientAsync({
    url: server.url,
    token: 't',
    ...org,
    retry: { minRetryDelay: 1, maxRetryDelay: 2 },
  })
  try {
    await run(client, server.requests)
  } finally {
    await client.close()
    await server.close()
  }
}

describe('DeleteApiAsync.delete', () => {
  test('sends the exact request for Dates and a built predicate', async () => {
    await withClient([], async (client, requests) => {
      const result = await client
        .deleteApi()
        .delete(
          new Date(0),
          new Date('2021-05-06T05:08:09.123Z'),
          predicate({ _measurement: 'h2o', location: 'Přerov' }),
          'my-bucket',
        )
      assert.equal(result, true)
      const [req] = requests
      assert.equal(`${req.method} ${req.path}?${req.rawQuery}`, 'POST /api/v2/delete?org=my-org&bucket=my-bucket')
      assert.equal(req.headers['content-type'], 'application/json')
      assert.equal(req.headers.accept, 'application/json')
      assert.equal(req.headers.authorization, 'Token t')
      assert.equal(req.headers['content-encoding'], undefined)
      assert.equal(
        req.body,
        '{"start":"1970-01-01T00:00:00Z","stop":"2021-05-06T05:08:09.123Z","predicate":"_measurement=\\"h2o\\" AND location=\\"Přerov\\""}',
      )
    })
  })

  test('RFC 3339 strings keep nanoseconds and are normalised to UTC; bigint ns; object form; {id} org', async () => {
    await withClient([], async (client, requests) => {
      await client.deleteApi().delete({
        start: '2009-11-10T23:00:00.123456789+01:00',
        stop: 1257894000123456789n,
        predicate: '',
        bucket: 'b',
        org: { id: '0123456789abcdef' },
      })
      assert.equal(requests[0].rawQuery, 'org=0123456789abcdef&bucket=b')
      assert.deepEqual(JSON.parse(requests[0].body), {
        start: '2009-11-10T22:00:00.123456789Z',
        stop: '2009-11-10T23:00:00.123456789Z',
        predicate: '',
      })
    })
  })

  test('accepts any 2xx (1.x answers 200)', async () => {
    await withClient([{ status: 200, body: '' }], async (client) => {
      assert.equal(await client.deleteApi().delete(0n, 1n, '', 'b'), true)
    })
  })

  test('refuses bad input before any request', async () => {
    await withClient([], async (client, requests) => {
      const api = client.deleteApi()
      const cases: Array<[() => Promise<unknown>, RegExp]> = [
        [() => api.delete('2020-01-01', '2020-01-02T00:00:00Z', '', 'b'), /"start" "2020-01-01" is not RFC 3339/],
        [() => api.delete('2020-01-01T00:00:00', '2020-01-02T00:00:00Z', '', 'b'), /not RFC 3339/],
        [() => api.delete('2020-01-01T00:00:00.1234567891Z', '2020-01-02T00:00:00Z', '', 'b'), /not RFC 3339/],
        [() => api.delete('2020-02-30T00:00:00Z', '2020-03-02T00:00:00Z', '', 'b'), /day 30 does not exist/],
        [() => api.delete(new Date(NaN), new Date(), '', 'b'), /"start" is an invalid Date/],
        [
          () => api.delete(-9223372036854775807n, 0n, '', 'b'),
          /"start" is outside the range the server accepts \(1677-09-21T00:12:43\.145224194Z to 2262-04-11T23:47:16\.854775806Z\)/,
        ],
        [() => api.delete(0n, 9223372036854775807n, '', 'b'), /"stop" is outside the range/],
        [() => api.delete(10n, 1n, '', 'b'), /"start" \(1970-01-01T00:00:00\.00000001Z\) is after "stop"/],
        [() => api.delete(0n, 1n, 'a="1" OR b="2"', 'b'), /OR is not supported/],
        [() => api.delete(0n, 1n, undefined as unknown as string, 'b'), /"predicate" must be a string/],
        [() => api.delete(0n, 1n, '', ''), /"bucket"/],
        [() => api.delete(1 as unknown as bigint, 2n, '', 'b'), /must be a Date, an RFC 3339 string or a bigint/],
      ]
      for (const [call, message] of cases) {
        await assert.rejects(
          call(),
          (e: unknown) => e instanceof InvalidArgumentError && message.test(e.message),
          String(message),
        )
      }
      assert.equal(requests.length, 0)
    })
  })

  test('missing org is an error, never org=undefined on the wire', async () => {
    await withClient(
      [],
      async (client, requests) => {
        await assert.rejects(client.deleteApi().delete(0n, 1n, '', 'b'), /delete: no organization given/)
        assert.equal(requests.length, 0)
      },
      {},
    )
  })

  test('retries 503 and maps errors', async () => {
    await withClient(
      [{ status: 503 }, { status: 400, body: '{"code":"invalid","message":"error decoding json body: bad"}' }],
      async (client, requests) => {
        const error = await client
          .deleteApi()
          .delete(0n, 1n, '', 'b')
          .catch((e: unknown) => e)
        assert.ok(error instanceof InfluxDBError)
        assert.equal(error.statusCode, 400)
        assert.equal(error.code, 'invalid')
        assert.equal(error.message, 'error decoding json body: bad')
        assert.equal(requests.length, 2)
      },
    )
  })
})
