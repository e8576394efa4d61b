// NDJSON integers are read exactly from their digits, through the real binary: nanosecond times
// and int64/uint64 fields given as JSON numbers reach the server with every digit.
import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { runCli, summaryOf } from './run-cli.js'
import { useCliServer } from './server-fixture.js'

const BUCKET = 'ndjson-int-bucket'
const cli = useCliServer(BUCKET, 'ndjsonint')

describe('NDJSON integers as JSON numbers', () => {
  test('ns times and int64/uint64 fields beyond 2^53 are written exactly', async () => {
    const stdin = [
      '{"measurement":"m","tags":{"id":"12345678901234567890"},"fields":{"i":9223372036854775807,"u":18446744073709551615,"n":-9007199254740993},"time":1700000000000000001}',
      '{"measurement":"m","i":-9223372036854775808,"u":9007199254740993,"n":1,"time":1700000000000000003}',
    ].join('\n')
    const result = await runCli(
      ['write', ...cli.connection(), '--format', 'ndjson', '--field-types', 'i=int,u=uint,n=int'],
      { stdin },
    )
    assert.equal(result.stderr, '')
    assert.equal(summaryOf(result.stdout), 'written: 2 points, rejected: 0, <s>, <rate>\n')
    assert.equal(result.code, 0)
    assert.deepEqual(cli.held(), [
      'm i=-9223372036854775808i,n=1i,u=9007199254740993u 1700000000000000003',
      'm,id=12345678901234567890 i=9223372036854775807i,n=-9007199254740993i,u=18446744073709551615u 1700000000000000001',
    ])
  })

  test('an unpinned integer that a float cannot hold is refused with its line, not rounded', async () => {
    const result = await runCli(['write', ...cli.connection(), '--format', 'ndjson'], {
      stdin: '{"measurement":"m","f":9007199254740993,"time":1}\n{"measurement":"m","f":2,"time":2}\n',
    })
    assert.equal(result.code, 3)
    assert.equal(
      result.stderr.split('\n')[0],
      'rejected -:1: field "f": 9007199254740993 is an integer that a float cannot hold exactly; pin the field with --field-types <name>=int (or uint) to write it as an integer, or <name>=float to round it',
    )
    assert.deepEqual(cli.held(), ['m f=2 2'])
  })
})
