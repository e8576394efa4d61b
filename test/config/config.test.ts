import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { inspect } from 'node:util'
import { parseSections } from '../../src/config/ini.js'
import { configFormat, settingsFromText } from '../../src/config/file.js'
import { settingsFromEnv } from '../../src/config/env.js'

describe('config parsing', () => {
  test('INI: comments, ":" separator, surrounding quotes removed, values kept raw', () => {
    const sections = parseSections(
      '; c\n# c\ntop = 1\n[influx2]\nurl: "http://h"\ntoken = a = b\n[tags]\nname = \'x y\'\n',
      'ini',
      'f.ini',
    )
    assert.deepEqual(Object.fromEntries([...sections].map(([name, values]) => [name, { ...values }])), {
      '': { top: '1' },
      influx2: { url: 'http://h', token: 'a = b' },
      tags: { name: 'x y' },
    })
  })

  test('TOML subset: basic and literal strings, escapes, numbers, booleans, trailing comments', () => {
    const text =
      '[influx2]\na = "q\\"\\\\\\u00fc\\n" # c\nb = \'C:\\\\raw\'\nc = 6_000\nd = 1.5\ne = false\n"quoted key" = "v"\n'
    assert.deepEqual(
      { ...parseSections(text, 'toml').get('influx2') },
      { a: 'q"\\ü\n', b: 'C:\\\\raw', c: 6000, d: 1.5, e: false, 'quoted key': 'v' },
    )
  })

  test('errors name the file, line and key', () => {
    assert.throws(
      () => parseSections('[influx2]\nurl = http://h\n', 'toml', 'x.toml'),
      /^InvalidArgumentError: x\.toml:2: the value of "url" is not a TOML value this client reads/,
    )
    assert.throws(() => parseSections('[influx2]\njunk\n', 'ini', 'x.ini'), /x\.ini:2: expected "key = value"/)
    assert.throws(
      () => parseSections('a = "open\n', 'toml', 'x.toml'),
      /x\.toml:1: the value of "a" is an unterminated string/,
    )
  })

  describe('an error about a line that holds a secret names the key and line, never the value', () => {
    const SECRET = 'q8Zt_Xk3-SECRET-TOKEN'
    const cases: ReadonlyArray<[string, string, 'ini' | 'toml' | 'json', RegExp]> = [
      [
        'TOML: an unquoted token',
        `[influx2]\ntoken = ${SECRET}\n`,
        'toml',
        /^c:2: the value of "token" is not a TOML value this client reads/,
      ],
      [
        'TOML: text after the closing quote',
        `[influx2]\ntoken = "abc"${SECRET}\n`,
        'toml',
        /^c:2: the value of "token" has text after its closing quote/,
      ],
      [
        'TOML: an unknown escape',
        `[influx2]\npassword = "${SECRET}\\q"\n`,
        'toml',
        /^c:2: the value of "password" has an unknown escape/,
      ],
      [
        'TOML: an unterminated string',
        `[influx2]\ntoken = "${SECRET}\n`,
        'toml',
        /^c:2: the value of "token" is an unterminated string/,
      ],
      [
        'INI: a token line without "="',
        `[influx2]\nurl = http://h\ntoken ${SECRET}\n`,
        'ini',
        /^c:3: expected "token = value": "=" is missing after "token"/,
      ],
      [
        'INI: a token line without "=", the token ending in "=="',
        `[influx2]\nurl = http://h\ntoken ${SECRET}==\n`,
        'ini',
        /^c:3: expected "token = value": "=" is missing after "token"/,
      ],
      [
        'INI: a line that is the secret alone',
        `[influx2]\nurl = http://h\n${SECRET}\n`,
        'ini',
        /^c:3: expected "key = value" \(the line is not shown/,
      ],
      ['JSON: an unquoted token', `{"url": "http://h", "token": ${SECRET}}`, 'json', /^c: invalid JSON/],
      [
        'JSON: a control character in the token',
        `{"url": "http://h",\n "token": "${SECRET}\u0001"}`,
        'json',
        /^c: invalid JSON at line 2 column 33/,
      ],
    ]
    for (const [name, text, format, expected] of cases) {
      test(name, () => {
        const error = (() => {
          try {
            settingsFromText(text, format, 'c')
          } catch (e) {
            return e
          }
          return undefined
        })()
        assert.ok(error instanceof Error, 'refused')
        assert.match(error.message, expected)
        const shown = `${String(error)} ${error.stack} ${inspect(error, { showHidden: true, depth: 10 })}`
        assert.ok(!shown.includes('q8Zt') && !shown.includes('SECRET'), shown)
      })
    }
  })

  test('keys named like Object.prototype members are ordinary keys (sections, tags, JSON)', () => {
    const ini = settingsFromText(
      '[influx2]\nurl = http://h\nconstructor = x\ntoString = y\n__proto__ = z\n[tags]\n__proto__ = p\nconstructor = c\nhasOwnProperty = h\n',
      'ini',
      'c.ini',
    )
    assert.deepEqual(ini, {
      url: 'http://h',
      defaultTags: { ['__proto__']: 'p', constructor: 'c', hasOwnProperty: 'h' },
    })
    assert.deepEqual(Object.keys(ini.defaultTags), ['__proto__', 'constructor', 'hasOwnProperty'])
    const toml = settingsFromText(
      '[influx2]\nurl = "http://h"\n[tags]\n__proto__ = "p"\nvalueOf = "v"\n',
      'toml',
      'c.toml',
    )
    assert.deepEqual(Object.keys(toml.defaultTags!), ['__proto__', 'valueOf'])
    const json = settingsFromText(
      '{"url":"http://h","constructor":"x","tags":{"__proto__":"p","toString":"t"}}',
      'json',
      'c.json',
    )
    assert.deepEqual(Object.keys(json.defaultTags!), ['__proto__', 'toString'])
    assert.equal(json.defaultTags!['__proto__' as string], 'p')
    assert.deepEqual(settingsFromText('[constructor]\nurl = http://h\n', 'ini', 'c.ini', { section: 'constructor' }), {
      url: 'http://h',
    })
  })

  test('format detection: extension first, then content', () => {
    assert.equal(configFormat('a.json', ''), 'json')
    assert.equal(configFormat('a.TOML', ''), 'toml')
    assert.equal(configFormat('a.cfg', 'x = "y"'), 'ini')
    assert.equal(configFormat('config', ' {"url":"x"}'), 'json')
    assert.equal(configFormat('config', '[influx2]\nurl = "http://h"'), 'toml')
    assert.equal(configFormat('config', '[influx2]\nurl = http://h'), 'ini')
  })

  test('JSON: a member named like the section is read too; unknown keys are ignored', () => {
    const settings = settingsFromText(
      '{"influx2":{"url":"http://h","profilers":"x","timeout":5},"tags":{"a":1}}',
      'json',
      'c.json',
    )
    assert.deepEqual(settings, { url: 'http://h', timeout: 5, defaultTags: { a: '1' } })
  })

  test('environment: only set variables become settings; tag names are lower-cased', () => {
    assert.deepEqual(
      settingsFromEnv({
        INFLUXDB_V2_TOKEN: 't',
        INFLUXDB_V2_TAG_Data_Center: 'LA',
        INFLUXDB_V2_TAG_: 'ignored',
        OTHER: 'x',
      }),
      {
        token: 't',
        url: 'http://localhost:8086',
        defaultTags: { data_center: 'LA' },
      },
    )
  })
})

test('environment: a tag named like an Object.prototype member is an ordinary tag', () => {
  const settings = settingsFromEnv({
    INFLUXDB_V2_URL: 'http://h',
    INFLUXDB_V2_TAG___PROTO__: 'p',
    INFLUXDB_V2_TAG_CONSTRUCTOR: 'c',
  })
  assert.deepEqual(Object.entries(settings.defaultTags!), [
    ['__proto__', 'p'],
    ['constructor', 'c'],
  ])
})
