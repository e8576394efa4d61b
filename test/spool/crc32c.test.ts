import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { crc32c } from '../../src/spool/crc32c.js'

/** The bit-at-a-time definition, as an independent oracle for the sliced tables. */
function reference(bytes: Uint8Array): number {
  let c = 0xffffffff
  for (const byte of bytes) {
    c ^= byte
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1
  }
  return ~c >>> 0
}

describe('crc32c', () => {
  test('the check value and the test vectors of RFC 3720 (iSCSI), appendix B.4', () => {
    assert.equal(crc32c(new TextEncoder().encode('123456789')), 0xe3069283)
    assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa)
    assert.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43)
    assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e)
    assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i)), 0x113fdb5c)
  })

  test('any range at any alignment, and a checksum continued over pieces, equal the definition', () => {
    const bytes = Uint8Array.from({ length: 301 }, (_, i) => (i * 131 + 7) & 0xff)
    for (let offset = 0; offset < 9; offset++) {
      for (const length of [0, 1, 3, 7, 8, 9, 15, 16, 17, 64, 200, 292 - offset]) {
        const view = new Uint8Array(bytes.buffer, offset, length)
        assert.equal(crc32c(view), reference(view), `offset ${offset}, length ${length}`)
        assert.equal(crc32c(bytes, offset, offset + length), reference(view), `range ${offset}..${offset + length}`)
        const cut = length >>> 1
        const continued = crc32c(bytes, offset + cut, offset + length, crc32c(bytes, offset, offset + cut))
        assert.equal(continued, reference(view), `continued at ${cut}`)
      }
    }
  })
})
