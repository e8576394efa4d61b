import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { parseSections } from '../../src/config/ini.js'
import { detectFormat, settingsFromText } from '../../src/config/file.js'
import { settingsFromEnv } from '../../src/config/env.js'

describe('config parsing', () => {
  test('INI: comments, ":" separator, surrounding quotes removed, values kept raw', () => {
    const sections = parseSections('; c\n# c\ntop = 1\n[influx2]\nurl: "http://h"\ntoken = a = b\n[tags]\nname = \'x y\'\n', 'ini', 'f.ini')
    assert.deepEqual(Object.fromEntries(sections), { '': { top: '1' }, influx2: { url: 'http://h', token: 'a = b' }, tags: { name: 'x y' } })
  })

  test('TOML subset: basic and literal strings, escapes, numbers, booleans, trailing comments', () => {
    const text = '[influx2]\na = "q\\"\\\\\\u00fc\\n" # c\nb = \'C:\\\\raw\'\nc = 6_000\nd = 1.5\ne = false\n"quoted key" = "v"\n'
    assert.deepEqual(parseSections(text, 'toml').get('influx2'), { a: 'q"\\ü\n', b: 'C:\\\\raw', c: 6000, d: 1.5, e: false, 'quoted key': 'v' })
  })

  test('errors name the file and line', () => {
    assert.throws(() => parseSections('[influx2]\nurl = http://h\n', 'toml', 'x.toml'), /^InvalidArgumentError: x\.toml:2: unsupported TOML value "http:\/\/h"/)
    assert.throws(() => parseSections('[influx2]\njunk\n', 'ini', 'x.ini'), /x\.ini:2: expected "key = value"/)
    assert.throws(() => parseSections('a = "open\n', 'toml', 'x.toml'), /x\.toml:1: unterminated string/)
  })

  test('format detection: extension first, then content', () => {
    assert.equal(detectFormat('a.json', ''), 'json')
    assert.equal(detectFormat('a.TOML', ''), 'toml')
    assert.equal(detectFormat('a.cfg', 'x = "y"'), 'ini')
    assert.equal(detectFormat('config', ' {"url":"x"}'), 'json')
    assert.equal(detectFormat('config', '[influx2]\nurl = "http://h"'), 'toml')
    assert.equal(detectFormat('config', '[influx2]\nurl = http://h'), 'ini')
  })

  test('JSON: a member named like the section is read too; unknown keys are ignored', () => {
    const settings = settingsFromText('{"influx2":{"url":"http://h","profilers":"x","timeout":5},"tags":{"a":1}}', 'json', 'c.json')
    assert.deepEqual(settings, { url: 'http://h', timeout: 5, defaultTags: { a: '1' } })
  })

  test('environment: only set variables become settings; tag names are lower-cased', () => {
    assert.deepEqual(settingsFromEnv({ INFLUXDB_V2_TOKEN: 't', INFLUXDB_V2_TAG_Data_Center: 'LA', INFLUXDB_V2_TAG_: 'ignored', OTHER: 'x' }), {
      token: 't',
      url: 'http://localhost:8086',
      defaultTags: { data_center: 'LA' },
    })
  })
})
