import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { resolveDefaultTags } from '../../src/line-protocol/default-tags.js'
import { InvalidArgumentError } from '../../src/errors.js'

describe('resolveDefaultTags', () => {
  test('${env.NAME} is resolved; an unset or empty variable drops the tag', () => {
    const env = { DC: 'LA', EMPTY: '' }
    const tags = { client_tag: 'c', env_tag: '${env.DC}', missing: '${env.NOPE}', empty: '${env.EMPTY}' }
    assert.deepEqual(resolveDefaultTags(tags, env), { client_tag: 'c', env_tag: 'LA' })
  })
  test('only a whole ${env.NAME} value is a reference', () => {
    const env = { DC: 'LA' }
    assert.deepEqual(resolveDefaultTags({ a: 'x${env.DC}', b: '${env.DC}y', c: '${env.}' }, env), {
      a: 'x${env.DC}',
      b: '${env.DC}y',
      c: '${env.}',
    })
  })
  test('returns a fresh object and never mutates the input', () => {
    const input = Object.freeze({ id: '132', gone: null, no: undefined })
    const out: Record<string, string> = resolveDefaultTags(input, {})
    assert.deepEqual({ ...out }, { id: '132' })
    assert.notEqual(out, input)
    out.extra = 'x'
    assert.deepEqual(input, { id: '132', gone: null, no: undefined })
  })
  test('numbers and booleans become text; objects are refused', () => {
    assert.deepEqual(resolveDefaultTags({ id: 132, ok: true }, {}), { id: '132', ok: 'true' })
    assert.throws(() => resolveDefaultTags({ bad: {} as never }, {}), InvalidArgumentError)
  })
  test('a tag that line protocol cannot carry is refused up front', () => {
    assert.throws(() => resolveDefaultTags({ path: 'C:\\' }, {}), {
      name: 'InvalidArgumentError',
      message: /default tag "path": .*ends with a backslash/,
    })
    assert.throws(() => resolveDefaultTags({ x: '${env.BAD}' }, { BAD: 'a\nb' }), /line feed/)
  })
  test('uses process.env by default', () => {
    process.env.H1_DEFAULT_TAG_TEST = 'from-env'
    try {
      assert.deepEqual(resolveDefaultTags({ t: '${env.H1_DEFAULT_TAG_TEST}' }), { t: 'from-env' })
    } finally {
      delete process.env.H1_DEFAULT_TAG_TEST
    }
  })
})
