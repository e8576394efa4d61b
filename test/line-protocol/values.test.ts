import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { formatFieldValue } from '../../src/line-protocol/values.js'

describe('formatFieldValue by JavaScript type', () => {
  const cases: [unknown, string][] = [
    [1.5, '1.5'],
    [125, '125'],
    [0, '0'],
    [-0, '-0'],
    [250.69, '250.69'],
    [1e21, '1e+21'],
    [1e16, '10000000000000000'],
    [1e-5, '0.00001'],
    [1e-7, '1e-7'],
    [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [0.1 + 0.2, '0.30000000000000004'],
    [125n, '125i'],
    [-9223372036854775808n, '-9223372036854775808i'],
    [9223372036854775807n, '9223372036854775807i'],
    [true, 'true'],
    [false, 'false'],
    ['hello', '"hello"'],
    ['a"b\\c', '"a\\"b\\\\c"'],
  ]
  for (const [value, expected] of cases) {
    test(`${typeof value} ${String(value)} → ${expected}`, () => {
      assert.equal(formatFieldValue('f', value), expected)
    })
  }
  for (const skipped of [null, undefined, NaN, Infinity, -Infinity]) {
    test(`${String(skipped)} skips the field`, () => {
      assert.equal(formatFieldValue('f', skipped), undefined)
      assert.equal(formatFieldValue('f', skipped, 'int'), undefined)
    })
  }
  test('bigint out of int64 range is a RangeError naming the field', () => {
    assert.throws(() => formatFieldValue('big', 9223372036854775808n), {
      name: 'RangeError',
      message: /field "big": 9223372036854775808 is out of the int64 range/,
    })
    assert.throws(() => formatFieldValue('big', -9223372036854775809n), RangeError)
  })
  for (const [value, type] of [
    [{}, 'object'],
    [new Date(0), 'Date'],
    [Symbol('s'), 'symbol'],
    [() => 1, 'function'],
    [[1], 'Array'],
  ] as const) {
    test(`${type} is a TypeError naming the field and the type`, () => {
      assert.throws(
        () => formatFieldValue('x', value),
        (e: unknown) => e instanceof TypeError && e.message.startsWith(`field "x": ${type} is not a field value`),
      )
    })
  }
})

describe('formatFieldValue with fieldTypes', () => {
  test('int: numbers and bigints become i', () => {
    assert.equal(formatFieldValue('f', 125, 'int'), '125i')
    assert.equal(formatFieldValue('f', -0, 'int'), '0i')
    assert.equal(formatFieldValue('f', Number.MAX_SAFE_INTEGER, 'int'), '9007199254740991i')
    assert.equal(formatFieldValue('f', 108913123234, 'int'), '108913123234i')
    assert.equal(formatFieldValue('f', 9223372036854775807n, 'int'), '9223372036854775807i')
  })
  test('int: a fraction, a number past 2^53 and out-of-range bigints are errors', () => {
    assert.throws(() => formatFieldValue('f', 1.5, 'int'), {
      name: 'RangeError',
      message: 'field "f": 1.5 is not an integer, but the field is typed "int"',
    })
    assert.throws(() => formatFieldValue('f', 2 ** 60, 'int'), {
      name: 'RangeError',
      message: /beyond 2\^53 and has lost precision as a number; pass it as a bigint/,
    })
    assert.throws(() => formatFieldValue('f', 2n ** 63n, 'int'), /out of the int64 range/)
  })
  test('uint: 0 … 2^64-1', () => {
    assert.equal(formatFieldValue('f', 108913123234, 'uint'), '108913123234u')
    assert.equal(formatFieldValue('f', 0n, 'uint'), '0u')
    assert.equal(formatFieldValue('f', 18446744073709551615n, 'uint'), '18446744073709551615u')
    assert.throws(() => formatFieldValue('f', 18446744073709551616n, 'uint'), /out of the uint64 range/)
    assert.throws(() => formatFieldValue('f', -1, 'uint'), /out of the uint64 range/)
  })
  test('float: numbers as floats, bigints as their digits', () => {
    assert.equal(formatFieldValue('f', 108913123234, 'float'), '108913123234')
    assert.equal(formatFieldValue('f', 2.5, 'float'), '2.5')
    assert.equal(formatFieldValue('f', 12345678901234567890n, 'float'), '12345678901234567890')
  })
  test('a type that does not fit the value is an error, never a silent change', () => {
    assert.throws(() => formatFieldValue('f', 'text', 'int'), {
      name: 'TypeError',
      message: 'field "f": string cannot be written as "int"',
    })
    assert.throws(() => formatFieldValue('f', true, 'uint'), /boolean cannot be written as "uint"/)
    assert.throws(() => formatFieldValue('f', 'x', 'float'), /string cannot be written as "float"/)
    assert.throws(() => formatFieldValue('f', 1, 'integer' as never), /unknown field type "integer"/)
  })
})
