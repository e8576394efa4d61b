/**
 * Byte-level helpers of the table serialiser, on top of the LineWriter's public buffer:
 * copying pre-encoded texts (escaped names, cached tag values) and writing 64-bit integers
 * from the two 32-bit words of a `BigInt64Array` / `BigUint64Array` (line-protocol/int64-bytes.ts).
 */
export { EncodedText, writeEncoded } from '../../line-protocol/encoded-text.js'
export { writeDigits, writeFloat } from '../../line-protocol/number-bytes.js'
export { NearbyInt64Writer, wordsOf, writeInt64Words, writeUint64Words } from '../../line-protocol/int64-bytes.js'
