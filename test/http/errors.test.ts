import { describe, test } from 'node:test'
import { execFileSync } from 'node:child_process'
import assert from 'node:assert/strict'
import { errorFromResponse } from '../../src/http/errors.js'
import { InfluxDBError, PartialWriteError, parseRetryAfter } from '../../src/errors.js'

const json = { 'content-type': 'application/json; charset=utf-8' }

describe('errorFromResponse: message priority and fields', () => {
  test('JSON message wins, code from the body', () => {
    const e = errorFromResponse({
      status: 400,
      statusText: 'Bad Request',
      headers: { ...json, 'x-platform-error-code': 'invalid' },
      body: '{"code":"invalid","message":"unable to parse \'m f=\': missing field value"}',
    })
    assert.ok(!(e instanceof PartialWriteError))
    assert.equal(e.message, "unable to parse 'm f=': missing field value")
    assert.equal(e.code, 'invalid')
    assert.equal(e.statusCode, 400)
  })
  test('raw body, then headers, then status text', () => {
    assert.equal(
      errorFromResponse({ status: 429, headers: { 'retry-after': '30' }, body: 'too many' }).message,
      'too many',
    )
    assert.equal(
      errorFromResponse({ status: 503, headers: { 'x-influx-error': 'overloaded' }, body: '' }).message,
      'overloaded',
    )
    assert.equal(
      errorFromResponse({ status: 503, headers: { 'x-influxdb-error': 'throttled' }, body: '' }).message,
      'throttled',
    )
    assert.equal(
      errorFromResponse({ status: 503, statusText: 'Service Unavailable', headers: {}, body: '' }).message,
      'Service Unavailable',
    )
    assert.equal(
      errorFromResponse({ status: 500, headers: {}, body: '{"code":"internal error"}' }).message,
      '{"code":"internal error"}',
    )
    assert.equal(
      errorFromResponse({ status: 404, headers: {}, body: '{"error":"database not found: \\"db\\""}' }).message,
      'database not found: "db"',
    )
  })
  test('retryAfter in seconds from delta-seconds and from an HTTP date', () => {
    assert.equal(errorFromResponse({ status: 429, headers: { 'retry-after': '30' }, body: '' }).retryAfter, 30)
    const date = new Date(Date.now() + 20_000).toUTCString()
    const after = errorFromResponse({ status: 503, headers: { 'retry-after': date }, body: '' }).retryAfter
    assert.ok(after !== undefined && after > 18 && after <= 20, String(after))
    assert.equal(errorFromResponse({ status: 503, headers: { 'retry-after': 'soon' }, body: '' }).retryAfter, undefined)
    // Not delta-seconds and not one of RFC 9110's date forms: unknown, though Date.parse would read a year into some.
    for (const garbage of ['45.2', '2.5', '-1', '+5', '1.5', '5,5', '1 2', '2030-01-01']) {
      assert.equal(parseRetryAfter(garbage), undefined, garbage)
    }
    const now = Date.parse('1994-11-06T08:49:07Z')
    assert.equal(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', now), 30)
    assert.equal(parseRetryAfter('Sunday, 06-Nov-94 08:49:37 GMT', now), 30)
    assert.equal(parseRetryAfter('Sun Nov  6 08:49:37 1994', now), 30)
    // asctime carries no zone and means GMT, whatever the machine's zone.
    for (const tz of ['Asia/Tokyo', 'America/New_York']) {
      const script = `import { parseRetryAfter } from ${JSON.stringify(new URL('../../src/errors.ts', import.meta.url).href)}; process.stdout.write(String(parseRetryAfter('Sun Nov  6 08:49:37 1994', ${now})))`
      const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        encoding: 'utf8',
        env: { ...process.env, TZ: tz },
      })
      assert.equal(output, '30', tz)
    }
  })
})

describe('errorFromResponse: partial writes', () => {
  test('2.x 422 type conflict: dropped count, no named lines', () => {
    const message =
      'failure writing points to database: partial write: field type conflict: input field "f" on measurement "m" is type integer, already exists as type float dropped=1'
    const e = errorFromResponse({
      status: 422,
      headers: json,
      body: JSON.stringify({ code: 'unprocessable entity', message }),
    })
    assert.ok(e instanceof PartialWriteError)
    assert.equal(e.dropped, 1)
    assert.deepEqual(e.rejectedLines, [])
    assert.equal(e.message, message)
    assert.equal(e.code, 'unprocessable entity')
  })

  test('1.x 400 partial write with several unparsable lines matched to line numbers', () => {
    const sent = ['m f=1 1', 'm,t=a f= 2', 'good f=2 3', "we'ird': x f= 4", 'bad']
    const message =
      "partial write: unable to parse 'm,t=a f= 2': missing field value\nunable to parse 'we'ird': x f= 4': missing field value\nunable to parse 'bad': missing fields dropped=0"
    const e = errorFromResponse(
      { status: 400, headers: { 'x-influxdb-error': message.slice(0, 20) }, body: JSON.stringify({ error: message }) },
      sent.join('\n'),
    )
    assert.ok(e instanceof PartialWriteError)
    assert.equal(e.dropped, 0)
    assert.deepEqual(e.rejectedLines, [
      { lineNumber: 2, line: 'm,t=a f= 2', reason: 'missing field value' },
      { lineNumber: 4, line: "we'ird': x f= 4", reason: 'missing field value' },
      { lineNumber: 5, line: 'bad', reason: 'missing fields' },
    ])
  })

  test('1.x partial write: numbered as the server reads the body (a line feed in a string value), leading blanks, duplicates', () => {
    const sent = ['m s="one\ntwo" 1', 'm f= 2', '  m g= 3', 'm f= 2', 'ok f=1 5']
    const message =
      "partial write: unable to parse 'm f= 2': missing field value\nunable to parse 'm g= 3': missing field value\nunable to parse 'm f= 2': missing field value dropped=0"
    const e = errorFromResponse({ status: 400, headers: {}, body: JSON.stringify({ error: message }) }, sent.join('\n'))
    assert.ok(e instanceof PartialWriteError)
    assert.deepEqual(e.rejectedLines, [
      { lineNumber: 2, line: 'm f= 2', reason: 'missing field value' },
      // The line as it was sent; the server quoted it without its leading blanks.
      { lineNumber: 3, line: '  m g= 3', reason: 'missing field value' },
      { lineNumber: 4, line: 'm f= 2', reason: 'missing field value' },
    ])
  })

  test('1.x partial write of a line whose string value itself says unable to parse (as 1.6.7 answered)', () => {
    const sent = ['pj v=1 1', `pj s="unable to parse 'x': y",v= 2`, 'pj v=3 3']
    const message = `partial write: unable to parse 'pj s="unable to parse 'x': y",v= 2': missing field value dropped=0`
    const e = errorFromResponse({ status: 400, headers: {}, body: JSON.stringify({ error: message }) }, sent.join('\n'))
    assert.ok(e instanceof PartialWriteError)
    assert.deepEqual(e.rejectedLines, [{ lineNumber: 2, line: sent[1], reason: 'missing field value' }])
    // Two such entries, and one after a plain line.
    const two = `partial write: unable to parse 'pj s="unable to parse 'x': y",v= 2': missing field value\nunable to parse 'q f=': missing field value dropped=0`
    const both = errorFromResponse(
      { status: 400, headers: {}, body: JSON.stringify({ error: two }) },
      [...sent, 'q f='].join('\n'),
    )
    assert.ok(both instanceof PartialWriteError)
    assert.deepEqual(
      both.rejectedLines.map((r) => r.lineNumber),
      [2, 4],
    )
  })

  test('1.x partial write without the sent body still names the lines', () => {
    const message =
      "partial write: unable to parse 'x y': invalid field format dropped=0 for database: db for retention policy: autogen"
    const e = errorFromResponse({ status: 400, headers: {}, body: JSON.stringify({ error: message }) })
    assert.ok(e instanceof PartialWriteError)
    assert.deepEqual(e.rejectedLines, [{ line: 'x y', reason: 'invalid field format' }])
    assert.equal(e.dropped, 0)
  })

  test('1.x type conflict', () => {
    const message =
      'partial write: field type conflict: input field "f" on measurement "m" is type float, already exists as type integer dropped=1'
    const e = errorFromResponse({ status: 400, headers: {}, body: JSON.stringify({ error: message }) })
    assert.ok(e instanceof PartialWriteError)
    assert.equal(e.dropped, 1)
    assert.deepEqual(e.rejectedLines, [])
  })

  test('3.x partial write names each line', () => {
    const body = JSON.stringify({
      error: 'partial write of line protocol occurred',
      data: [
        { original_line: 'm f=', line_number: 2, error_message: 'missing field value' },
        { original_line: 'm,t= f=1', line_number: 5, error_message: 'bad tag' },
      ],
    })
    const e = errorFromResponse({ status: 400, headers: json, body })
    assert.ok(e instanceof PartialWriteError)
    assert.equal(e.message, 'partial write of line protocol occurred')
    assert.equal(e.dropped, 2)
    assert.deepEqual(e.rejectedLines, [
      { lineNumber: 2, line: 'm f=', reason: 'missing field value' },
      { lineNumber: 5, line: 'm,t= f=1', reason: 'bad tag' },
    ])
  })

  test('3.x whole-body parse error names the line in the message', () => {
    const body = JSON.stringify({
      error: 'line protocol parsing error',
      data: { original_line: 'm f=', line_number: 3, error_message: 'missing field value' },
    })
    const e = errorFromResponse({ status: 400, headers: json, body })
    assert.ok(!(e instanceof PartialWriteError))
    assert.equal(e.message, 'line protocol parsing error at line 3 ("m f="): missing field value')
    assert.equal(e.body, body)
  })

  test('2.x 400 parse failure (nothing written) is a plain InfluxDBError', () => {
    const e = errorFromResponse(
      {
        status: 400,
        headers: json,
        body: JSON.stringify({ code: 'invalid', message: "unable to parse 'invalid': missing fields" }),
      },
      'm f=1\ninvalid',
    )
    assert.ok(e instanceof InfluxDBError)
    assert.ok(!(e instanceof PartialWriteError))
  })
})

describe('errorFromResponse: a large 1.x partial write is read in linear time', () => {
  /** 10,000 lines, every other one refused, as 1.x words it; some refused texts repeat. */
  function partialWrite(lines: number): { sent: string; message: string; refused: number[] } {
    const sent: string[] = []
    const entries: string[] = []
    const refused: number[] = []
    for (let i = 0; i < lines; i++) {
      if (i % 2 === 0) {
        sent.push(`cpu,host=h${i} usage=${i} ${i}`)
        continue
      }
      // A tenth of the refused lines share one text: each report claims a line of its own.
      const line = i % 20 === 1 ? 'cpu,host=same usage= 1' : `cpu,host=h${i},note=a':\\ b usage= ${i}`
      sent.push(line)
      refused.push(i + 1)
      entries.push(`unable to parse '${line}': missing field value`)
    }
    return { sent: sent.join('\n'), message: `partial write: ${entries.join('\n')} dropped=0`, refused }
  }

  test('10,000 lines with 5,000 refused: every one named, in well under 100 ms', () => {
    const { sent, message, refused } = partialWrite(10_000)
    const body = JSON.stringify({ error: message })
    // The best of five: the machine may be busy with other work.
    let elapsed = Infinity
    let e: InfluxDBError | undefined
    for (let run = 0; run < 5; run++) {
      const started = performance.now()
      e = errorFromResponse({ status: 400, headers: json, body }, sent)
      elapsed = Math.min(elapsed, performance.now() - started)
    }
    assert.ok(e instanceof PartialWriteError)
    assert.deepEqual(
      e.rejectedLines.map((r) => r.lineNumber),
      refused,
    )
    assert.ok(elapsed < 100, `took ${elapsed.toFixed(1)} ms`)
  })

  test('the time grows linearly: 4x the lines take at most ~8x the time', () => {
    const time = (lines: number): number => {
      const { sent, message } = partialWrite(lines)
      const body = JSON.stringify({ error: message })
      errorFromResponse({ status: 400, headers: json, body }, sent)
      let best = Infinity
      for (let run = 0; run < 5; run++) {
        const started = performance.now()
        errorFromResponse({ status: 400, headers: json, body }, sent)
        best = Math.min(best, performance.now() - started)
      }
      return best
    }
    const small = time(5000)
    const large = time(20_000)
    assert.ok(large < small * 8 + 10, `5,000 lines: ${small.toFixed(1)} ms, 20,000 lines: ${large.toFixed(1)} ms`)
  })
})
