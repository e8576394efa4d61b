import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { inspect } from 'node:util'
import { Transport, type TransportOptions } from '../../src/http/transport.js'
import { InfluxDBError, PartialWriteError } from '../../src/errors.js'
import { Redactor } from '../../src/http/redact.js'
import { startAnsweringServer } from '../support/replies.js'

// A token with the characters that encodings change: `/`, `+`, `=`.
const TOKEN = 'q8Zt/Xk3+Vb9=Rw/Lm2=='
const USER = 'alice'
const PASSWORD = 'pa ss/w0rd&"é'

/** Every text an error shows: message, stack, JSON, inspect with hidden fields, and its causes. */
function allTexts(error: unknown): string {
  const texts = [String(error), JSON.stringify(error), inspect(error, { depth: 20, showHidden: true })]
  for (let cause = (error as Error).cause; cause !== undefined; cause = (cause as Error).cause)
    texts.push(inspect(cause, { depth: 20, showHidden: true }))
  return texts.join('\n')
}

function assertNoSecret(error: unknown, secrets: readonly string[]): void {
  const text = allTexts(error)
  for (const secret of secrets) assert.ok(!text.includes(secret), `${JSON.stringify(secret)} leaked in: ${text}`)
}

const b64 = (text: string): string => Buffer.from(text).toString('base64')

/** The ways a server may quote a secret back: each is checked both raw in the body and after decoding. */
const ECHOES: ReadonlyArray<[string, (secret: string) => string]> = [
  ['JSON-escaped slashes', (s) => JSON.stringify(s).slice(1, -1).replace(/\//g, '\\/')],
  [
    '\\u escapes (Go escapes & < > that way)',
    (s) => [...s].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
  ],
  ['percent-encoded', (s) => encodeURIComponent(s)],
  ['form-encoded', (s) => new URLSearchParams({ x: s }).toString().slice(2)],
  ['HTML entities', (s) => [...s].map((c) => `&#${c.codePointAt(0)};`).join('')],
  ['base64', (s) => b64(s)],
  ['unpadded URL-safe base64', (s) => b64(s).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')],
]

async function errorFor(options: Partial<TransportOptions>, response: () => Response): Promise<unknown> {
  const transport = new Transport({
    url: 'http://influx.example:8086',
    fetch: () => Promise.resolve(response()),
    ...options,
  })
  try {
    return await transport.request({ method: 'POST', path: '/api/v2/write', body: 'm f=1' }).catch((e: unknown) => e)
  } finally {
    await transport.close()
  }
}

describe('secrets never leave in an error, in any encoding the server echoes them', () => {
  for (const [name, encode] of ECHOES) {
    test(`token ${name}, in a 2.x message, a header and the status text`, async () => {
      const body = `{"code":"unauthorized","message":"unknown token ${encode(TOKEN)}"}`
      const error = await errorFor(
        { token: TOKEN },
        () =>
          new Response(body, {
            status: 401,
            statusText: `bad ${encode(TOKEN)}`,
            headers: { 'x-influx-error': encode(TOKEN) },
          }),
      )
      assert.ok(error instanceof InfluxDBError)
      assert.equal(error.message, 'unknown token ***')
      assertNoSecret(error, [TOKEN, encode(TOKEN)])
    })
  }

  test("JSON-escaped: the issue's `q8Zt\\/Xk3` message", async () => {
    const error = await errorFor(
      { token: TOKEN },
      () => new Response(`{"message":"unknown token ${TOKEN.replace(/\//g, '\\/')}"}`, { status: 401 }),
    )
    assert.ok(error instanceof InfluxDBError)
    assert.equal(error.message, 'unknown token ***')
    assert.equal(error.body, '{"message":"unknown token ***"}')
    assertNoSecret(error, [TOKEN, 'q8Zt\\/Xk3'])
  })

  test('a 3.x `data` message and a 3.x partial write', async () => {
    const escaped = JSON.stringify(TOKEN).slice(1, -1).replace(/\//g, '\\/')
    const parse = `{"error":"line protocol parsing error","data":{"original_line":"m t=\\"${escaped}\\"","line_number":1,"error_message":"bad ${escaped}"}}`
    const parseError = await errorFor({ token: TOKEN }, () => new Response(parse, { status: 400 }))
    assert.ok(parseError instanceof InfluxDBError)
    assert.match(parseError.message, /^line protocol parsing error at line 1/)
    assertNoSecret(parseError, [TOKEN])
    const partial = `{"error":"partial write of line protocol occurred","data":[{"original_line":"m t=\\"${escaped}\\"","line_number":1,"error_message":"bad ${escaped}"}]}`
    const partialError = await errorFor({ token: TOKEN }, () => new Response(partial, { status: 400 }))
    assert.ok(partialError instanceof PartialWriteError)
    assert.deepEqual(partialError.rejectedLines, [{ lineNumber: 1, line: 'm t="***"', reason: 'bad ***' }])
    assertNoSecret(partialError, [TOKEN])
  })

  test('a JSON body split so that only the decoded message holds the secret (mixed escapes)', async () => {
    // Half the characters escaped, half raw: only the decoded text shows the secret whole.
    const mixed = [...TOKEN]
      .map((c, i) => (i % 2 === 0 ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c === '/' ? '\\/' : c))
      .join('')
    const error = await errorFor({ token: TOKEN }, () => new Response(`{"message":"token ${mixed}"}`, { status: 403 }))
    assert.ok(error instanceof InfluxDBError)
    assert.equal(error.message, 'token ***')
    assertNoSecret(error, [TOKEN, mixed])
  })

  for (const engine of ['node', 'fetch'] as const) {
    test(`a gzip body that echoes the token JSON-escaped (${engine})`, async () => {
      const { gzipSync } = await import('node:zlib')
      const body = gzipSync(`{"message":"token ${TOKEN.replace(/\//g, '\\/')}"}`)
      const server = await startAnsweringServer([
        { status: 400, headers: { 'content-encoding': 'gzip', 'content-type': 'application/json' }, body },
      ])
      const transport = new Transport({
        url: server.url,
        token: TOKEN,
        ...(engine === 'fetch' ? { fetch: globalThis.fetch.bind(globalThis) } : {}),
      })
      try {
        const error = await transport
          .request({ method: 'POST', path: '/api/v2/write', body: 'm f=1' })
          .catch((e: unknown) => e)
        assert.ok(error instanceof InfluxDBError)
        assert.equal(error.message, 'token ***')
        assertNoSecret(error, [TOKEN])
      } finally {
        await transport.close()
        await server.close()
      }
    })
  }

  for (const engine of ['node', 'fetch'] as const) {
    test(`a failed signin that echoes user:password, raw, JSON-escaped and base64 (${engine})`, async () => {
      const pair = `${USER}:${PASSWORD}`
      const server = await startAnsweringServer([
        {
          status: 401,
          headers: { 'www-authenticate': `Basic realm="${pair}"`, 'content-type': 'application/json' },
          body: JSON.stringify({
            code: 'unauthorized',
            message: `bad credentials ${pair} (${b64(pair)}) ${encodeURIComponent(PASSWORD)}`,
          }).replace(/\//g, '\\/'),
        },
      ])
      const transport = new Transport({
        url: server.url,
        username: USER,
        password: PASSWORD,
        ...(engine === 'fetch' ? { fetch: globalThis.fetch.bind(globalThis) } : {}),
      })
      try {
        const error = await transport
          .request({ method: 'POST', path: '/api/v2/write', body: 'm f=1' })
          .catch((e: unknown) => e)
        assert.ok(error instanceof InfluxDBError)
        assert.equal(error.message, 'signin (POST /api/v2/signin) failed: bad credentials *** (***) ***')
        assertNoSecret(error, [PASSWORD, pair, b64(pair), encodeURIComponent(PASSWORD)])
      } finally {
        await transport.close()
        await server.close()
      }
    })
  }
})

describe('Redactor', () => {
  test('leaves text without a secret as it is, and replaces the longest secret first', () => {
    const redactor = new Redactor(['abcdef', 'abc'])
    assert.equal(redactor.text('no secret here'), 'no secret here')
    assert.equal(redactor.text('x abcdef y abc z'), 'x *** y *** z')
  })

  test('ignores secrets shorter than three characters and undefined', () => {
    const redactor = new Redactor(['ab', undefined])
    assert.equal(redactor.text('ab cd'), 'ab cd')
  })

  test("scrubs nested details and causes, but not a caller's abort reason", async () => {
    const { RequestAbortedError } = await import('../../src/errors.js')
    const redactor = new Redactor(['s3cr3t'])
    const error = Object.assign(new Error('outer s3cr3t', { cause: new Error('inner s3cr3t') }), {
      details: [{ text: 's3cr3t' }],
    })
    redactor.scrub(error)
    assert.equal(error.message, 'outer ***')
    assert.equal((error.cause as Error).message, 'inner ***')
    assert.deepEqual(error.details, [{ text: '***' }])
    assert.ok(!error.stack!.includes('s3cr3t'))
    const reason = new Error('my s3cr3t reason')
    redactor.scrub(new RequestAbortedError('aborted', { cause: reason }))
    assert.equal(reason.message, 'my s3cr3t reason')
  })
})

test('a URL that does not parse is named without its credentials', () => {
  assert.throws(
    () => new Transport({ url: 'http://alice:s3cr3t-pass@influx:99999' }),
    (error: Error) => {
      assert.equal(error.message, '"url" is not a valid URL: "http://***@influx:99999"')
      return true
    },
  )
})
