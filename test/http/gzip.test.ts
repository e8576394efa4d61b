// gzip of request bodies and gunzip of answers, with node:zlib and without it.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { gunzipSync } from 'node:zlib'
import * as zlib from 'node:zlib'
import { gzipBody, usableZlib } from '../../src/http/gzip.js'

describe('gzip', () => {
  test('a body compresses to gzip that decompresses to its exact bytes', async () => {
    const text = 'm,t=é f="a\\"b" 1\n'.repeat(1000)
    assert.equal(gunzipSync(await gzipBody(text)).toString('utf8'), text)
  })
  test('an empty stand-in for node:zlib (what a browser bundler puts there) is not used', () => {
    assert.equal(usableZlib({}), undefined)
    assert.equal(usableZlib({ default: {} }), undefined)
    assert.equal(usableZlib(undefined), undefined)
    assert.equal(usableZlib(zlib), zlib)
  })
})
