// The InfluxQL DELETE a 2.x delete becomes on the v1 API: exact statements.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { influxqlDeleteStatement, quoteInfluxqlIdent, quoteInfluxqlString } from '../../src/delete/influxql-delete.js'
import { InvalidArgumentError } from '../../src/errors.js'

const S = '2024-01-01T00:00:00Z'
const T = '2024-01-02T00:00:00.000000001Z'

describe('influxqlDeleteStatement', () => {
  test('measurement, tags, != and an inclusive range', () => {
    assert.equal(
      influxqlDeleteStatement(S, T, `_measurement="cpu" AND host="a'b" AND region!="eu"`),
      `DELETE FROM "cpu" WHERE "host" = 'a\\'b' AND "region" != 'eu' AND time >= '${S}' AND time <= '${T}'`,
    )
  })
  test('without _measurement: DELETE WHERE; the empty predicate: the range only', () => {
    assert.equal(
      influxqlDeleteStatement(S, T, 'host="a"'),
      `DELETE WHERE "host" = 'a' AND time >= '${S}' AND time <= '${T}'`,
    )
    assert.equal(influxqlDeleteStatement(S, T, ''), `DELETE WHERE time >= '${S}' AND time <= '${T}'`)
  })
  test('quoting: backslashes, quotes and line feeds in names and values', () => {
    assert.equal(quoteInfluxqlIdent('a"b\\c\nd'), '"a\\"b\\\\c\\nd"')
    assert.equal(quoteInfluxqlString("a'b\\c\nd"), "'a\\'b\\\\c\\nd'")
    assert.equal(
      influxqlDeleteStatement(S, T, String.raw`_measurement="my \"m\"" AND "k\\ey"="v\\al"`),
      String.raw`DELETE FROM "my \"m\"" WHERE "k\\ey" = 'v\\al' AND time >= '` + S + `' AND time <= '` + T + `'`,
    )
  })
  test('what 1.x cannot delete by is refused', () => {
    for (const predicate of ['_field="v"', '_measurement!="m"', '_measurement="a" AND _measurement="b"']) {
      assert.throws(() => influxqlDeleteStatement(S, T, predicate), InvalidArgumentError, predicate)
    }
    assert.equal(
      influxqlDeleteStatement(S, T, '_measurement="a" AND _measurement="a"'),
      `DELETE FROM "a" WHERE time >= '${S}' AND time <= '${T}'`,
    )
  })
})
