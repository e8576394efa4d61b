import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { detectFormat } from '../../../src/cli/input/readers.js'

describe('detectFormat', () => {
  test('by extension, case-insensitive, looking through .gz; --format wins', () => {
    assert.deepEqual(
      ['a.csv', 'A.CSV', 'b.ndjson', 'c.jsonl', 'd.lp', 'e.txt', '-', 'f.csv.gz', 'g.jsonl.GZ', 'h.gz'].map((n) =>
        detectFormat(n, undefined),
      ),
      ['csv', 'csv', 'ndjson', 'ndjson', 'lp', 'lp', 'lp', 'csv', 'ndjson', 'lp'],
    )
    assert.equal(detectFormat('a.csv', 'lp'), 'lp')
  })
})
