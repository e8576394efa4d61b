// The `influx` CLI's flags and config profiles, through the real binary: write dryrun,
// --bucket-id/--org-id, --compression, --rate-limit, --http-debug, --skip-verify, and the order
// in which a value is looked for (flag, environment, config profile, default).
import { REQUIRE_REAL_SERVERS } from '../support/servers.js'
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { createServer as createHttpsServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { runCli } from './run-cli.js'
import { useCliServer } from './server-fixture.js'

const BUCKET = 'flags-bucket'
const cli = useCliServer(BUCKET, 'flags')
const firstLine = (text: string): string | undefined => text.split('\n')[0]

describe('write dryrun', () => {
  test('prints the line protocol that would be sent (CSV converted) and sends nothing', async () => {
    const path = await cli.file('dry.csv', 'time,st,v,n\n1,a,1.5,7\n2,b,2,8\n')
    const result = await runCli([
      'write',
      'dryrun',
      ...cli.connection(),
      '-m',
      'w',
      '--tag-columns',
      'st',
      '--timestamp-column',
      'time',
      '--field-types',
      'n=int',
      path,
    ])
    assert.equal(result.code, 0)
    assert.equal(result.stdout, 'w,st=a n=7i,v=1.5 1\nw,st=b n=8i,v=2 2\n')
    assert.match(
      firstLine(result.stderr) ?? '',
      /^dry run, not sent: written: 2 points, rejected: 0, \d+\.\d\d s, \d+ points\/s$/,
    )
    assert.equal(cli.server.requests.length, 0, 'not even a ping')
  })

  test('needs no bucket, org or server', async () => {
    const result = await runCli(['write', 'dryrun', '--host', 'http://127.0.0.1:9'], {
      stdin: 'm v=1 1\n  m v=2 2\n# comment\n',
    })
    assert.equal(result.code, 0)
    assert.equal(result.stdout, 'm v=1 1\nm v=2 2\n')
  })
})

describe('--bucket-id and --org-id', () => {
  test('write to a bucket and org given by ID', async () => {
    const bucketID = cli.server.createBucket('by-id')
    const result = await runCli(
      [
        'write',
        '--host',
        cli.server.url,
        '-t',
        cli.server.token,
        '--org-id',
        cli.server.orgID,
        '--bucket-id',
        bucketID,
      ],
      { stdin: 'm v=1 1\n' },
    )
    assert.equal(result.stderr, '')
    assert.equal(result.code, 0)
    assert.equal(cli.server.points('by-id').length, 1)
    const query = cli.writeRequests()[0]?.query
    assert.deepEqual([query?.bucket, query?.org], [bucketID, cli.server.orgID])
  })

  test('both --bucket and --bucket-id is a usage error; an ID must be 16 hex digits', async () => {
    const both = await runCli(['write', ...cli.connection(), '--bucket-id', '0123456789abcdef'], { stdin: 'm v=1 1\n' })
    assert.equal(both.code, 2)
    assert.equal(firstLine(both.stderr), 'influx-async: give --bucket or --bucket-id, not both')
    const bad = await runCli([
      'delete',
      '--host',
      cli.server.url,
      '-o',
      'o',
      '--bucket-id',
      'xyz',
      '--start',
      '1970-01-01T00:00:00Z',
      '--stop',
      '1970-01-01T00:00:01Z',
    ])
    assert.equal(bad.code, 2)
    assert.equal(firstLine(bad.stderr), 'influx-async: --bucket-id must be 16 hexadecimal digits, got "xyz"')
  })

  test('--org-id on the command line wins over INFLUX_ORG in the environment', async () => {
    const result = await runCli(
      ['write', '--host', cli.server.url, '-t', cli.server.token, '-b', BUCKET, '--org-id', cli.server.orgID],
      { stdin: 'm v=1 1\n', env: { INFLUX_ORG: 'other-org' } },
    )
    assert.equal(result.code, 0, result.stderr)
    assert.equal(cli.writeRequests()[0]?.query.org, cli.server.orgID)
  })
})

describe('--compression and --rate-limit', () => {
  test('--compression gzip decompresses stdin; none reads a .gz file as it is', async () => {
    const gz = gzipSync('m v=1 1\nm v=2 2\n')
    const result = await runCli(['write', ...cli.connection(), '--compression', 'gzip'], { stdin: gz })
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(cli.held(), ['m v=1 1', 'm v=2 2'])
    const path = await cli.file('raw.lp.gz', 'm v=3 3\n')
    const raw = await runCli(['write', ...cli.connection(), '--compression', 'none', path])
    assert.equal(raw.code, 0, raw.stderr)
    assert.deepEqual(cli.held(), ['m v=1 1', 'm v=2 2', 'm v=3 3'])
    const bad = await runCli(['write', ...cli.connection(), '--compression', 'zip', path])
    assert.equal(bad.code, 2)
    assert.equal(firstLine(bad.stderr), 'influx-async: --compression must be gzip or none, got "zip"')
  })

  test('--rate-limit reads no faster than the rate; a bad rate is a usage error', async () => {
    const lines = Array.from({ length: 1000 }, (_, i) => `m,t=abcdefghij v=${i} ${i + 1}`).join('\n')
    const path = await cli.file('throttled.lp', `${lines}\n`)
    const bytes = readFileSync(path).length
    const started = performance.now()
    const result = await runCli(['write', ...cli.connection(), '--rate-limit', '16 kB / s', path])
    const seconds = (performance.now() - started) / 1000
    assert.equal(result.code, 0, result.stderr)
    assert.ok(seconds >= bytes / (16 * 1024) - 0.1, `${bytes} bytes at 16 kB/s took ${seconds} s`)
    const bad = await runCli(['write', ...cli.connection(), '--rate-limit', '5 parsecs'], { stdin: 'm v=1 1\n' })
    assert.equal(bad.code, 2)
    assert.equal(
      firstLine(bad.stderr),
      'influx-async: --rate-limit "5 parsecs" is not a rate like 5MB/s, "1 MB / 5 min" or 17kB/s (COUNT B, kB or MB / TIME s or min)',
    )
  })
})

describe('--http-debug', () => {
  test('prints each request and answer on stderr, never the token', async () => {
    const result = await runCli(['write', ...cli.connection(), '--http-debug'], { stdin: 'm v=1 1\n' })
    assert.equal(result.code, 0)
    assert.equal(firstLine(result.stderr), `> GET ${cli.server.url}/ping`)
    assert.match(
      result.stderr,
      new RegExp(`\\n> POST ${cli.server.url}/api/v2/write\\?org=flags-org&bucket=${BUCKET}&precision=ns\\n`),
    )
    assert.match(result.stderr, /\n> authorization: Token <redacted>\n/)
    assert.match(result.stderr, /\n< 204 No Content \(POST /)
    assert.ok(!result.stderr.includes(cli.server.token), 'the token never appears')
  })
})

describe(
  '--skip-verify',
  // In CI a missing openssl is a failure (the certificate cannot be made), never a skip.
  {
    skip:
      existsSync('/usr/bin/openssl') || REQUIRE_REAL_SERVERS
        ? false
        : 'needs openssl to make a self-signed certificate',
  },
  () => {
    let server: Server
    let url: string
    before(async () => {
      const dir = join(cli.dir, 'tls')
      await mkdir(dir, { recursive: true })
      execFileSync(
        '/usr/bin/openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
          '-days',
          '1',
          '-subj',
          '/CN=localhost',
        ],
        { stdio: 'ignore' },
      )
      server = createHttpsServer(
        { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
        (req, res) => {
          req.resume().on('end', () => res.writeHead(204).end())
        },
      )
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`
    })
    after(() => new Promise<void>((resolve) => server.close(() => resolve())))

    test('a self-signed certificate is refused, and accepted with --skip-verify', async () => {
      const refused = await runCli(['write', '--host', url, '-t', 't', '-o', 'o', '-b', 'b'], { stdin: 'm v=1 1\n' })
      assert.equal(refused.code, 1)
      assert.equal(
        firstLine(refused.stderr),
        `influx-async: cannot reach ${url}: DEPTH_ZERO_SELF_SIGNED_CERT (is the server running? check --host / INFLUX_HOST)`,
      )
      const accepted = await runCli(['write', '--host', url, '-t', 't', '-o', 'o', '-b', 'b', '--skip-verify'], {
        stdin: 'm v=1 1\n',
      })
      assert.equal(accepted.stderr, '')
      assert.equal(accepted.code, 0)
    })
  },
)

describe('config profiles and precedence: flag, then environment, then profile, then default', () => {
  /** A HOME with an influx CLI configs file: `remote` is active, `local` is the test server. */
  async function home(): Promise<string> {
    const dir = join(cli.dir, 'home')
    await mkdir(join(dir, '.influxdbv2'), { recursive: true })
    await writeFile(
      join(dir, '.influxdbv2', 'configs'),
      [
        '[remote]',
        '  url = "http://127.0.0.1:9"',
        '  token = "remote-token"',
        '  org = "remote-org"',
        '  active = true',
        '',
        '[local]',
        `  url = "${cli.server.url}"`,
        `  token = "${cli.server.token}"`,
        `  org = "${cli.server.org}"`,
        '',
      ].join('\n'),
    )
    return dir
  }

  test('-c names the profile; its url, token and org are used', async () => {
    const result = await runCli(['write', '-c', 'local', '-b', BUCKET], {
      stdin: 'm v=1 1\n',
      env: { HOME: await home() },
    })
    assert.equal(result.stderr, '')
    assert.equal(result.code, 0)
    assert.deepEqual(cli.held(), ['m v=1 1'])
  })

  test('without -c the active profile is used; INFLUX_ACTIVE_CONFIG chooses another', async () => {
    const env = { HOME: await home() }
    const active = await runCli(['ping'], { env })
    assert.equal(active.code, 1)
    assert.equal(
      firstLine(active.stderr),
      'influx-async: cannot reach http://127.0.0.1:9: ECONNREFUSED (is the server running? check --host / INFLUX_HOST)',
    )
    const chosen = await runCli(['ping'], { env: { ...env, INFLUX_ACTIVE_CONFIG: 'local' } })
    assert.equal(chosen.stdout, `OK ${cli.server.url}\n`)
  })

  test('the environment wins over the profile, and a flag over both', async () => {
    const env = { HOME: await home() }
    const fromEnv = await runCli(['write', '-b', BUCKET], {
      stdin: 'm v=1 1\n',
      env: { ...env, INFLUX_HOST: cli.server.url, INFLUX_TOKEN: cli.server.token, INFLUX_ORG: cli.server.org },
    })
    assert.equal(fromEnv.code, 0, fromEnv.stderr)
    const fromFlag = await runCli(['write', '-b', BUCKET, '--host', cli.server.url, '-t', 'wrong'], {
      stdin: 'm v=2 2\n',
      env: { ...env, INFLUX_TOKEN: cli.server.token, INFLUX_ORG: cli.server.org },
    })
    assert.equal(fromFlag.code, 1)
    assert.match(firstLine(fromFlag.stderr) ?? '', /^influx-async: 401 unauthorized: check --token \/ INFLUX_TOKEN /)
    assert.deepEqual(cli.held(), ['m v=1 1'])
  })

  test('--configs-path names another file; a missing profile or file is a usage error', async () => {
    const path = join(await home(), '.influxdbv2', 'configs')
    const other = await runCli(['ping', '--configs-path', path, '-c', 'local'])
    assert.equal(other.stdout, `OK ${cli.server.url}\n`)
    const missing = await runCli(['ping', '--configs-path', path, '-c', 'nope'])
    assert.equal(missing.code, 2)
    assert.equal(firstLine(missing.stderr), `influx-async: no config profile "nope" in ${path} (it has remote, local)`)
    const noFile = await runCli(['ping', '--configs-path', join(cli.dir, 'none')])
    assert.equal(noFile.code, 2)
    assert.equal(
      firstLine(noFile.stderr),
      `influx-async: cannot read the configs file ${join(cli.dir, 'none')}: no such file`,
    )
  })
})
