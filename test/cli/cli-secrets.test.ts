// The CLI never prints the token, whatever form the server echoes it in, with or without --debug.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { runCli } from './run-cli.js'
import { startAnsweringServer } from '../support/replies.js'

const TOKEN = 'q8Zt/Xk3+Vb9=Rw/Lm2=='

for (const debug of [false, true]) {
  test(`a server echoing the token JSON-escaped and percent-encoded: stderr never shows it${debug ? ' (--debug)' : ''}`, async () => {
    const escaped = TOKEN.replace(/\//g, '\\/')
    const server = await startAnsweringServer([
      {
        status: 401,
        headers: { 'content-type': 'application/json', 'x-influx-error': encodeURIComponent(TOKEN) },
        body: `{"code":"unauthorized","message":"unknown token ${escaped}","detail":{"token":"${escaped}"}}`,
      },
    ])
    try {
      const args = [
        'write',
        '--host',
        server.url,
        '--token',
        TOKEN,
        '--org',
        'o',
        '--bucket',
        'b',
        ...(debug ? ['--debug'] : []),
      ]
      const result = await runCli(args, { stdin: 'm f=1 1\n' })
      assert.equal(result.code, 1)
      assert.equal(result.stderr.split('\n')[0], 'influx-async: 401 unauthorized: check --token / INFLUX_TOKEN')
      for (const form of [TOKEN, escaped, encodeURIComponent(TOKEN)])
        assert.ok(!`${result.stdout}${result.stderr}`.includes(form), `${form} leaked: ${result.stderr}`)
      // --debug shows the server's answer, with the token it echoed redacted.
      if (debug) assert.match(result.stderr, /response body: .*"message":"unknown token \*\*\*".*"token":"\*\*\*"/)
    } finally {
      await server.close()
    }
  })
}
