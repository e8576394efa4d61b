// DeleteApiAsync.delete into real InfluxDB 1.6.7, natively (apiVersion 'v1': an InfluxQL DELETE
// through /query) and through the v2 path (gateway): inclusive ranges given as Date, RFC 3339
// with nine fraction digits and bigint ns; predicates built with predicate(); read back with InfluxQL.
import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { InfluxDBClientAsync, InfluxDBError, InvalidArgumentError, predicate } from '../../src/index.js'
import { INFLUX_V1_URL, needServer } from '../support/servers.js'
import { INFLUX_TARGET_MODES, useInfluxTarget } from '../support/real-influx.js'
import { asBigInt, quoteIdentifier, selectRows } from '../support/influx.js'

const server = await needServer(`${INFLUX_V1_URL}/ping`, 204, 'InfluxDB 1.6.7')
for (const mode of INFLUX_TARGET_MODES) {
  describe(`client delete (${mode}) → InfluxDB 1.6.7`, server, () => {
    const DB = `h3_delete_${mode.replace('-', '_')}`
    const target = useInfluxTarget(DB, mode)

    /** Writes `measurement,<tag>=<value> v=1 <t>` for each t (ns) and each tag value. */
    async function seed(measurement: string, tagValues: string[], times: bigint[]): Promise<void> {
      const records = tagValues.flatMap((host) =>
        times.map((time) => ({ measurement, tags: { host }, fields: { v: 1 }, time })),
      )
      await target().client.writeApi().write(DB, undefined, records)
    }

    /** `host@time` for every remaining point of a measurement, in series then time order. */
    async function remaining(measurement: string): Promise<string[]> {
      const rows = await selectRows(DB, `SELECT * FROM ${quoteIdentifier(measurement)} GROUP BY host`)
      return rows.map((r) => `${r.tags.host}@${asBigInt(r.values.time)}`)
    }

    test('bigint range is inclusive on both ends; tag and measurement predicate', async () => {
      await seed('del_big', ['a', 'b'], [-3n, -2n, -1n, 0n, 1n, 2n])
      await seed('del_big_other', ['a'], [0n])
      const result = await target()
        .client.deleteApi()
        .delete(-2n, 1n, predicate({ _measurement: 'del_big', host: 'a' }), DB)
      assert.equal(result, true)
      assert.deepEqual(await remaining('del_big'), ['a@-3', 'a@2', 'b@-3', 'b@-2', 'b@-1', 'b@0', 'b@1', 'b@2'])
      assert.deepEqual(await remaining('del_big_other'), ['a@0'])
    })

    test('Date range: millisecond instants, both ends included', async () => {
      await seed('del_date', ['a'], [999_999n, 1_000_000n, 1_500_000n, 2_000_000n, 2_000_001n])
      await target()
        .client.deleteApi()
        .delete(new Date(1), new Date(2), predicate({ _measurement: 'del_date' }), DB, 'some-org')
      assert.deepEqual(await remaining('del_date'), ['a@999999', 'a@2000001'])
    })

    test('RFC 3339 strings with nine fraction digits, before the epoch too', async () => {
      await seed('del_iso', ['a'], [-6n, -5n, -4n, 4n, 5n, 6n, 7n, 8n])
      await target()
        .client.deleteApi()
        .delete(
          '1970-01-01T00:00:00.000000005Z',
          '1970-01-01T00:00:00.000000007Z',
          predicate({ _measurement: 'del_iso' }),
          DB,
        )
      await target()
        .client.deleteApi()
        .delete(
          '1969-12-31T23:59:59.999999995Z',
          '1969-12-31T23:59:59.999999995Z',
          predicate({ _measurement: 'del_iso' }),
          DB,
        )
      assert.deepEqual(await remaining('del_iso'), ['a@-6', 'a@-4', 'a@4', 'a@8'])
    })

    test('predicate() quotes names and values with spaces, commas, quotes, backslashes and unicode', async () => {
      const measurement = 'my meas,x "q"'
      const host = 'a b"c,d=e\\f ünï'
      await seed(measurement, [host, 'plain'], [1n, 2n])
      await target()
        .client.deleteApi()
        .delete(0n, 10n, predicate({ _measurement: measurement, host }), DB)
      assert.deepEqual(await remaining(measurement), ['plain@1', 'plain@2'])
    })

    test('an empty predicate deletes every measurement in the range', async () => {
      await seed('del_all_1', ['a'], [100n, 200n, 300n])
      await seed('del_all_2', ['a'], [100n, 200n, 300n])
      await target().client.deleteApi().delete(150n, 250n, '', DB)
      assert.deepEqual(await remaining('del_all_1'), ['a@100', 'a@300'])
      assert.deepEqual(await remaining('del_all_2'), ['a@100', 'a@300'])
    })

    test('a string predicate in the 2.x grammar is sent as is', async () => {
      await seed('del_text', ['x', 'y', 'z'], [1n])
      await target().client.deleteApi().delete(0n, 1n, '_measurement="del_text" AND (host="x" AND host!="y")', DB)
      assert.deepEqual(await remaining('del_text'), ['y@1', 'z@1'])
    })

    test('malformed predicates and times are refused before any request', async () => {
      const before = target().requestsTo(target().deletePath).length
      const api = target().client.deleteApi()
      await assert.rejects(api.delete(0n, 1n, 'host="a" OR host="b"', DB), InvalidArgumentError)
      await assert.rejects(api.delete(0n, 1n, "host='a'", DB), InvalidArgumentError)
      await assert.rejects(api.delete(0n, 1n, 'host=~/a/', DB), InvalidArgumentError)
      await assert.rejects(api.delete(0n, 1n, '_field="v"', DB), InvalidArgumentError)
      await assert.rejects(api.delete('1970-01-01', '1970-01-02T00:00:00Z', '', DB), InvalidArgumentError)
      assert.equal(target().requestsTo(target().deletePath).length, before)
    })

    if (mode === 'native-v1') {
      test('v1: the statement sent is InfluxQL with quoted names, an inclusive range, and DELETE WHERE without a measurement', async () => {
        await seed('del_q', ["it's", 'b'], [5n, 6n, 7n])
        const before = target().requestsTo('/query').length
        await target()
          .client.deleteApi()
          .delete(5n, 6n, predicate({ _measurement: 'del_q', host: "it's" }), DB)
        await target().client.deleteApi().delete(7n, 7n, 'host="b"', DB)
        assert.equal(target().requestsTo('/query').length - before, 2)
        assert.deepEqual(await remaining('del_q'), ['b@5', 'b@6', "it's@7"])
      })

      test('v1: _measurement != and _field are refused before sending; a bucket with a retention policy too', async () => {
        const before = target().requestsTo('/query').length
        const api = target().client.deleteApi()
        await assert.rejects(
          api.delete(0n, 1n, '_measurement!="m"', DB),
          /InfluxDB 1.x cannot delete by _measurement !=/,
        )
        await assert.rejects(api.delete(0n, 1n, '', `${DB}/autogen`), /every retention policy/)
        assert.equal(target().requestsTo('/query').length, before)
      })

      test('v1: a statement error in the 200 answer is an InfluxDBError (database not found)', async () => {
        const error = await target()
          .client.deleteApi()
          .delete(0n, 1n, '', 'h3_delete_no_such_db')
          .then(
            () => assert.fail('must reject'),
            (e: unknown) => e,
          )
        assert.ok(error instanceof InfluxDBError, String(error))
        assert.equal(error.statusCode, 200)
        assert.match(error.message, /^database not found: h3_delete_no_such_db/)
      })

      test("v1: 'auto' finds 1.6.7 through /ping and deletes through InfluxQL", async () => {
        const client = new InfluxDBClientAsync({ url: INFLUX_V1_URL, apiVersion: 'auto' })
        try {
          assert.equal(client.apiVersion, undefined)
          await seed('del_auto', ['a'], [1n, 2n])
          await client.deleteApi().delete(2n, 2n, predicate({ _measurement: 'del_auto' }), DB)
          assert.equal(client.apiVersion, 'v1')
          assert.match(client.serverVersion ?? '', /^1\.6\.7/)
          assert.deepEqual(await remaining('del_auto'), ['a@1'])
        } finally {
          await client.close()
        }
      })
    }
  })
}
