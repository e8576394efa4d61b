import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { firstInvalidUtf8, findInvalidUtf8, isUtf8 } from '../../src/line-protocol/utf8.js'

describe('UTF-8 checks', () => {
  test('firstInvalidUtf8 agrees with a fatal TextDecoder', () => {
    const decoder = new TextDecoder('utf-8', { fatal: true })
    const valid = (bytes: Uint8Array): boolean => {
      try {
        decoder.decode(bytes)
        return true
      } catch {
        return false
      }
    }
    for (let a = 0x80; a <= 0xff; a++) {
      for (const b of [0x00, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xff]) {
        for (const c of [0x41, 0x80, 0xbf, 0xc0]) {
          const bytes = new Uint8Array([0x41, a, b, c, 0x80, 0x41])
          const at = firstInvalidUtf8(bytes)
          assert.equal(isUtf8(bytes), valid(bytes))
          assert.equal(at === bytes.length, valid(bytes), `${a.toString(16)} ${b.toString(16)} ${c.toString(16)}`)
          if (at < bytes.length) assert.ok(valid(bytes.subarray(0, at)))
        }
      }
    }
  })

  test('a sequence cut off by the end is told apart from a wrong one', () => {
    assert.deepEqual(findInvalidUtf8(Uint8Array.of(0x61, 0xf0, 0x9f, 0x98)), { at: 1, truncated: true })
    assert.deepEqual(findInvalidUtf8(Uint8Array.of(0x61, 0xf0, 0x9f, 0x41)), { at: 1, truncated: false })
    assert.deepEqual(findInvalidUtf8(Uint8Array.of(0x61)), { at: 1, truncated: false })
  })
})
