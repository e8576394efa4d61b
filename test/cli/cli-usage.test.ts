// The CLI's help texts, usage errors and input errors: no server involved.
import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { runCli } from './run-cli.js'
import { commandHelp, programHelp } from '../../src/cli/help.js'
import { writeSpec } from '../../src/cli/commands/write.js'
import { deleteSpec } from '../../src/cli/commands/delete.js'
import { pingSpec } from '../../src/cli/commands/ping.js'
import { serveSpec } from '../../src/cli/commands/serve.js'
import { readSpec } from '../../src/cli/commands/read.js'

const SPECS = [writeSpec, deleteSpec, pingSpec, serveSpec, readSpec]

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

describe('influx-async help', () => {
  test('--help prints the command list on stdout and exits 0', async () => {
    const result = await runCli(['--help'])
    assert.equal(result.code, 0)
    assert.equal(result.stdout, programHelp(SPECS))
    assert.match(result.stdout, /^Usage: influx-async <command> \[options\]\n/)
    assert.match(result.stdout, /\n {2}write {3}Write line protocol, CSV or NDJSON from files or stdin\n/)
    assert.match(result.stdout, /\n {2}2 {2}usage error/)
    assert.equal(result.stderr, '')
  })

  test('no command prints the help on stderr and exits 2', async () => {
    const result = await runCli([])
    assert.equal(result.code, 2)
    assert.equal(result.stdout, '')
    assert.equal(result.stderr, programHelp(SPECS))
  })

  for (const spec of SPECS) {
    test(`${spec.name} --help and help ${spec.name}`, async () => {
      const viaFlag = await runCli([spec.name, '--help'])
      assert.equal(viaFlag.code, 0)
      assert.equal(viaFlag.stdout, commandHelp(spec))
      assert.match(viaFlag.stdout, new RegExp(`^Usage: influx-async ${spec.name} \\[options\\]`))
      assert.match(viaFlag.stdout, /\n {2}-h, --help +Show this help\n/)
      const viaCommand = await runCli(['help', spec.name])
      assert.equal(viaCommand.stdout, viaFlag.stdout)
    })
  }

  test('--version prints the package version', async () => {
    const result = await runCli(['--version'])
    assert.equal(result.code, 0)
    assert.equal(result.stdout, 'influx-async 0.1.0\n')
  })
})

describe('influx-async usage errors (exit 2, no stack trace)', () => {
  const cases: Array<[string, string[], string]> = [
    [
      'unknown command',
      ['nope'],
      'influx-async: unknown command "nope"; commands: write, delete, ping, serve, read\nRun \'influx-async --help\' for usage.\n',
    ],
    [
      'flag before the command',
      ['--host', 'x'],
      "influx-async: expected a command before --host; commands: write, delete, ping, serve, read\nRun 'influx-async --help' for usage.\n",
    ],
    [
      'unknown flag',
      ['write', '--bogus'],
      "influx-async: Unknown option '--bogus'\nRun 'influx-async write --help' for usage.\n",
    ],
    [
      'flag without its value',
      ['ping', '--host'],
      "influx-async: Option '--host <value>' argument missing\nRun 'influx-async ping --help' for usage.\n",
    ],
    [
      'missing bucket',
      ['write', 'x.lp'],
      "influx-async: --bucket or --bucket-id is required (or set INFLUX_BUCKET)\nRun 'influx-async write --help' for usage.\n",
    ],
    [
      'missing org',
      ['write', '-b', 'b'],
      "influx-async: --org or --org-id is required (or set INFLUX_ORG, or use a config profile); --api v1 and v3 need none\nRun 'influx-async write --help' for usage.\n",
    ],
    [
      'bad precision',
      ['write', '-b', 'b', '-o', 'o', '--precision', 'h'],
      'influx-async: --precision must be ns, us, ms or s, got "h"\nRun \'influx-async write --help\' for usage.\n',
    ],
    [
      'bad format',
      ['write', '-b', 'b', '-o', 'o', '--format', 'xml'],
      'influx-async: --format must be lp, csv or ndjson, got "xml"\nRun \'influx-async write --help\' for usage.\n',
    ],
    [
      'bad batch size',
      ['write', '-b', 'b', '-o', 'o', '--batch-size', '0'],
      'influx-async: --batch-size must be a positive integer, got "0"\nRun \'influx-async write --help\' for usage.\n',
    ],
    [
      'bad field types',
      ['write', '-b', 'b', '-o', 'o', '--format', 'ndjson', '--field-types', 'a=long'],
      'influx-async: --field-types: "a=long" is not name=type with type one of float, int, uint, bool, string\nRun \'influx-async write --help\' for usage.\n',
    ],
    [
      'a CSV flag for line protocol',
      ['write', '-b', 'b', '-o', 'o', '-m', 'x', 'data.lp'],
      "influx-async: --measurement applies to CSV and NDJSON input only; the input here is line protocol (use --format)\nRun 'influx-async write --help' for usage.\n",
    ],
    [
      '--timezone for NDJSON',
      ['write', '-b', 'b', '-o', 'o', '--timezone', 'UTC', 'x.jsonl'],
      "influx-async: --timezone applies to CSV input only; the input here is NDJSON (use --format)\nRun 'influx-async write --help' for usage.\n",
    ],
    [
      'bad time zone',
      ['write', '-b', 'b', '-o', 'o', '--format', 'csv', '--timezone', 'Mars/Base'],
      'influx-async: --timezone "Mars/Base" is not an IANA time zone\nRun \'influx-async write --help\' for usage.\n',
    ],
    [
      'bad host',
      ['ping', '--host', 'localhost:8086'],
      'influx-async: --host must be an http:// or https:// URL, got "localhost:8086"\nRun \'influx-async ping --help\' for usage.\n',
    ],
    [
      'stray argument',
      ['ping', 'extra'],
      'influx-async: unexpected argument "extra"\nRun \'influx-async ping --help\' for usage.\n',
    ],
    [
      'delete without a range',
      ['delete', '-b', 'b', '-o', 'o', '--start', '2024-01-01T00:00:00Z'],
      "influx-async: --stop is required\nRun 'influx-async delete --help' for usage.\n",
    ],
    // Bad delete flags are found before the ping: no server listens on the default host here.
    [
      'delete with a date that is not RFC 3339',
      ['delete', '-b', 'b', '-o', 'o', '--start', '2024-01-01', '--stop', '2024-02-01T00:00:00Z'],
      'influx-async: --start "2024-01-01" is not RFC 3339, for example 2009-01-02T23:00:00Z or 2009-01-02T23:00:00.123456789+01:00\nRun \'influx-async delete --help\' for usage.\n',
    ],
    [
      'delete with a day that does not exist',
      ['delete', '-b', 'b', '-o', 'o', '--start', '2024-01-01T00:00:00Z', '--stop', '2024-02-30T00:00:00Z'],
      'influx-async: --stop "2024-02-30T00:00:00Z" is not a valid date-time: day 30 does not exist in that month\nRun \'influx-async delete --help\' for usage.\n',
    ],
    [
      'delete with start after stop',
      ['delete', '-b', 'b', '-o', 'o', '--start', '2024-02-01T00:00:00Z', '--stop', '2024-01-01T00:00:00+01:00'],
      "influx-async: --start (2024-02-01T00:00:00Z) is after --stop (2023-12-31T23:00:00Z)\nRun 'influx-async delete --help' for usage.\n",
    ],
    [
      'delete with OR in the predicate',
      [
        'delete',
        '-b',
        'b',
        '-o',
        'o',
        '--start',
        '2024-01-01T00:00:00Z',
        '--stop',
        '2024-02-01T00:00:00Z',
        '--predicate',
        'a=b OR c=d',
      ],
      'influx-async: --predicate: OR is not supported by the server; run one delete per alternative at position 4 in "a=b OR c=d"\nRun \'influx-async delete --help\' for usage.\n',
    ],
    [
      'serve on a bad port',
      ['serve', '--port', '70000'],
      'influx-async: --port must be 0 to 65535, got "70000"\nRun \'influx-async serve --help\' for usage.\n',
    ],
    [
      'stdin twice',
      ['write', '-b', 'b', '-o', 'o', '-', '-'],
      "influx-async: stdin (-) can be read only once\nRun 'influx-async write --help' for usage.\n",
    ],
  ]
  for (const [name, args, stderr] of cases) {
    test(name, async () => {
      const result = await runCli(args)
      assert.equal(result.stderr, stderr)
      assert.equal(result.code, 2)
      assert.equal(result.stdout, '')
    })
  }
})

describe('influx-async failures (exit 1, one clear line)', () => {
  test('an unreadable file is named before any connection is made', async () => {
    const result = await runCli(['write', '-b', 'b', '-o', 'o', '--host', 'http://127.0.0.1:9', '/nonexistent/data.lp'])
    assert.equal(result.stderr, 'influx-async: cannot read /nonexistent/data.lp: no such file\n')
    assert.equal(result.code, 1)
  })

  test('an errors file that cannot be created is named', async () => {
    const result = await runCli(
      ['write', '-b', 'b', '-o', 'o', '--host', 'http://127.0.0.1:9', '--errors-file', '/nonexistent/dir/errors.txt'],
      { stdin: 'm v=1 1\n' },
    )
    assert.equal(
      result.stderr,
      "influx-async: cannot write --errors-file /nonexistent/dir/errors.txt: ENOENT: no such file or directory, open '/nonexistent/dir/errors.txt'\n",
    )
    assert.equal(result.code, 1)
  })

  test('an unreachable server: ping, write and delete say so at once', async () => {
    const port = await closedPort()
    const host = `http://127.0.0.1:${port}`
    const expected = `influx-async: cannot reach ${host}: ECONNREFUSED (is the server running? check --host / INFLUX_HOST)\n`
    const ping = await runCli(['ping', '--host', host])
    assert.deepEqual([ping.code, ping.stdout, ping.stderr], [1, '', expected])
    const write = await runCli(['write', '--host', host, '-b', 'b', '-o', 'o'], { stdin: 'm f=1 1\n' })
    assert.deepEqual([write.code, write.stdout, write.stderr], [1, '', expected])
    const del = await runCli([
      'delete',
      '--host',
      host,
      '-b',
      'b',
      '-o',
      'o',
      '--start',
      '1970-01-01T00:00:00Z',
      '--stop',
      '1970-01-01T00:00:01Z',
    ])
    assert.deepEqual([del.code, del.stdout, del.stderr], [1, '', expected])
  })

  test('the server comes from INFLUX_HOST when --host is absent', async () => {
    const port = await closedPort()
    const result = await runCli(['ping'], { env: { INFLUX_HOST: `http://127.0.0.1:${port}` } })
    assert.equal(
      result.stderr,
      `influx-async: cannot reach http://127.0.0.1:${port}: ECONNREFUSED (is the server running? check --host / INFLUX_HOST)\n`,
    )
  })

  test('--debug adds the stack trace and the cause', async () => {
    const port = await closedPort()
    const result = await runCli(['ping', '--host', `http://127.0.0.1:${port}`, '--debug'])
    assert.equal(result.code, 1)
    const lines = result.stderr.split('\n')
    assert.equal(
      lines[0],
      `influx-async: cannot reach http://127.0.0.1:${port}: ECONNREFUSED (is the server running? check --host / INFLUX_HOST)`,
    )
    assert.match(lines[1] ?? '', /^NetworkError: GET http:\/\/127\.0\.0\.1:\d+\/ping failed: /)
    assert.match(result.stderr, /\n {4}at /)
    assert.match(result.stderr, /\ncaused by: Error: connect ECONNREFUSED/)
  })
})
