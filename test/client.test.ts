import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import { InfluxDBClientAsync } from '../src/client.js'
import { PointSettings } from '../src/write/point-settings.js'
import { ClosedError, InfluxDBError, InvalidArgumentError } from '../src/errors.js'
import { startAnsweringServer } from './support/replies.js'

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))

const isClientVariable = (k: string): boolean =>
  k.startsWith('INFLUXDB_V2_') || k.startsWith('INFLUX_') || k === 'data_center'

/** Runs `body` with exactly these INFLUX_* and INFLUXDB_V2_* variables set, restoring the environment after. */
async function withEnv(vars: Record<string, string>, body: () => void | Promise<void>): Promise<void> {
  const saved = Object.entries(process.env).filter(([k]) => isClientVariable(k))
  for (const [k] of saved) delete process.env[k]
  Object.assign(process.env, vars)
  try {
    await body()
  } finally {
    for (const k of Object.keys(process.env)) if (isClientVariable(k)) delete process.env[k]
    for (const [k, v] of saved) process.env[k] = v
  }
}

describe('InfluxDBClientAsync construction', () => {
  test('URL: one trailing slash stripped, a path prefix kept, bad URLs refused', () => {
    assert.equal(new InfluxDBClientAsync({ url: 'http://h:8086/' }).url, 'http://h:8086')
    assert.equal(new InfluxDBClientAsync({ url: 'https://h/influx/' }).url, 'https://h/influx')
    assert.throws(() => new InfluxDBClientAsync({ url: 'ws://h' }), InvalidArgumentError)
    assert.throws(() => new InfluxDBClientAsync({ url: 42 as unknown as string }), /"url" must be a non-empty string/)
    assert.throws(() => new InfluxDBClientAsync({ url: 'http://h', org: 5 as unknown as string }), /"org" must be/)
    assert.throws(
      () => new InfluxDBClientAsync({ url: 'http://h', username: 'u' }),
      /"username" and "password" must be given together/,
    )
  })

  test('every numeric and typed option is checked when the client is made, naming the option', () => {
    const cases: ReadonlyArray<[Record<string, unknown>, RegExp]> = [
      // An agent with maxSockets -1 or 0 never opens a socket: no request would ever leave.
      [{ maxSockets: -1 }, /^"maxSockets" must be an integer >= 1 \(or Infinity\), got -1$/],
      [{ maxSockets: 0 }, /"maxSockets" .* got 0$/],
      [{ maxSockets: 1.5 }, /"maxSockets" .* got 1\.5$/],
      [{ maxSockets: Number.NaN }, /"maxSockets" .* got NaN$/],
      [{ maxSockets: '4' }, /"maxSockets" .* got "4"$/],
      [{ timeout: -1 }, /"timeout" must be a positive number of milliseconds/],
      [{ timeout: Number.POSITIVE_INFINITY }, /"timeout" must be a positive number of milliseconds/],
      [{ retry: { maxRetries: -1 } }, /retry\.maxRetries must be a finite number >= 0, got -1/],
      [{ retry: { minRetryDelay: Number.NaN } }, /retry\.minRetryDelay must be a finite number/],
      [{ retry: { exponentialBase: 0.5 } }, /retry\.exponentialBase must be a finite number >= 1/],
      [{ retry: 3 }, /"retry" must be an object of retry settings, or false/],
      [{ authBasic: 'yes', token: 't' }, /"authBasic" must be a boolean/],
      [{ fetch: 'fetch' }, /"fetch" must be a function, got "fetch"/],
      [{ tls: true }, /"tls" must be an object, got true/],
      [{ headers: 'x' }, /"headers" must be an object of strings/],
      [{ headers: { 'x-n': 5 } }, /"headers": the value of "x-n" must be a string without line breaks/],
      [{ headers: { 'x-a': 'a\r\nx-b: b' } }, /"headers": the value of "x-a" must be a string without line breaks/],
      [{ headers: { 'bad name': 'v' } }, /"headers": "bad name" is not a valid header name/],
      [{ defaultTags: 'dc=eu' }, /"defaultTags" must be an object/],
    ]
    for (const [options, message] of cases) {
      assert.throws(
        () => new InfluxDBClientAsync({ url: 'http://h', ...options }),
        (e: unknown) => e instanceof InvalidArgumentError && message.test(e.message),
        JSON.stringify(options),
      )
    }
    for (const maxSockets of [1, 64, Number.POSITIVE_INFINITY])
      assert.doesNotThrow(() => new InfluxDBClientAsync({ url: 'http://h', maxSockets }))
  })

  test("options are copied, so later changes to the caller's objects do not leak in", () => {
    const tags = { a: '1' }
    const client = new InfluxDBClientAsync({ url: 'http://h', defaultTags: tags })
    tags.a = '2'
    assert.deepEqual(client.writeApi().defaultTags, { a: '1' })
    assert.ok(Object.isFrozen(client.options))
  })
})

describe('runtimes without process (browsers, Workers)', () => {
  test('a client is made and writes through fetch when there is no global process', async () => {
    // A child process, since this one's test runner needs process: the script removes it first.
    const script = `
      const { InfluxDBClientAsync, Point } = await import(${JSON.stringify(new URL('../src/index.ts', import.meta.url).href)})
      const out = globalThis.process.stdout
      delete globalThis.process
      const bodies = []
      const fetch = async (url, init) => { bodies.push(String(init.body instanceof Uint8Array ? new TextDecoder().decode(init.body) : init.body)); return new Response(null, { status: 204 }) }
      const client = new InfluxDBClientAsync({ url: 'http://db.invalid', token: 't', org: 'o', fetch, defaultTags: { dc: 'eu' } })
      await client.writeApi().write('b', 'o', new Point('m').floatField('f', 1).time(1n))
      out.write(JSON.stringify(bodies))
    `
    const { execFileSync } = await import('node:child_process')
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    })
    assert.deepEqual(JSON.parse(output), ['m,dc=eu f=1 1'])
  })
})

describe('InfluxDBClientAsync.fromEnv', () => {
  test('reads URL, token, org, timeout, gzip, auth and tags; overrides win', async () => {
    await withEnv(
      {
        INFLUXDB_V2_URL: 'http://env.example:9999/',
        INFLUXDB_V2_TOKEN: 'env-token',
        INFLUXDB_V2_ORG: 'env-org',
        INFLUXDB_V2_TIMEOUT: '5500',
        INFLUXDB_V2_GZIP: 'yes',
        INFLUXDB_V2_AUTH_BASIC: 'false',
        INFLUXDB_V2_TAG_DATA_CENTER: 'LA',
        INFLUXDB_V2_TAG_RACK: '${env.data_center}',
        data_center: 'dc-7',
      },
      () => {
        const client = InfluxDBClientAsync.fromEnv({ org: 'override-org' })
        assert.equal(client.url, 'http://env.example:9999')
        assert.equal(client.org, 'override-org')
        assert.equal(client.options.token, 'env-token')
        assert.equal(client.options.timeout, 5500)
        assert.equal(client.options.enableGzip, true)
        assert.equal(client.options.authBasic, false)
        assert.deepEqual(client.writeApi().defaultTags, { data_center: 'LA', rack: 'dc-7' })
        // An override that is undefined keeps the environment's value.
        const same = InfluxDBClientAsync.fromEnv({ url: undefined, org: undefined, token: undefined })
        assert.equal(same.url, 'http://env.example:9999')
        assert.equal(same.org, 'env-org')
        assert.equal(same.options.token, 'env-token')
      },
    )
  })

  test('no placeholder token or org; URL defaults to http://localhost:8086', async () => {
    await withEnv({}, () => {
      const client = InfluxDBClientAsync.fromEnv()
      assert.equal(client.url, 'http://localhost:8086')
      assert.equal(client.options.token, undefined)
      assert.equal(client.org, undefined)
    })
  })

  test("the influx CLI's INFLUX_HOST, INFLUX_TOKEN and INFLUX_ORG: a write reaches that server with that token and org", async () => {
    const server = await startAnsweringServer([{ status: 204 }])
    try {
      await withEnv({ INFLUX_HOST: server.url, INFLUX_TOKEN: 'cli-token', INFLUX_ORG: 'cli-org' }, async () => {
        await using client = InfluxDBClientAsync.fromEnv()
        await client.writeApi().write('b', undefined, 'm v=1 1')
      })
      const request = server.requests[0]
      assert.equal(request?.path, '/api/v2/write')
      assert.equal(request?.headers.authorization, 'Token cli-token')
      assert.equal(request?.query.org, 'cli-org')
    } finally {
      await server.close()
    }
  })

  test('precedence: INFLUX_* over INFLUXDB_V2_* (INFLUX_HOST over INFLUX_URL), an empty INFLUX_* counts as unset, overrides over both', async () => {
    const both = {
      INFLUX_HOST: 'http://host.example:1',
      INFLUX_URL: 'http://url.example:2',
      INFLUXDB_V2_URL: 'http://v2.example:3',
      INFLUX_TOKEN: 'influx-token',
      INFLUXDB_V2_TOKEN: 'v2-token',
      INFLUX_ORG: 'influx-org',
      INFLUXDB_V2_ORG: 'v2-org',
    }
    await withEnv(both, () => {
      const client = InfluxDBClientAsync.fromEnv()
      assert.deepEqual(
        [client.url, client.options.token, client.org],
        ['http://host.example:1', 'influx-token', 'influx-org'],
      )
      const overridden = InfluxDBClientAsync.fromEnv({ url: 'http://mine:4', token: 'mine', org: 'my-org' })
      assert.deepEqual([overridden.url, overridden.options.token, overridden.org], ['http://mine:4', 'mine', 'my-org'])
    })
    await withEnv({ ...both, INFLUX_HOST: '' }, () => {
      assert.equal(InfluxDBClientAsync.fromEnv().url, 'http://url.example:2')
    })
    await withEnv({ ...both, INFLUX_HOST: '', INFLUX_URL: '', INFLUX_TOKEN: '', INFLUX_ORG: '' }, () => {
      const client = InfluxDBClientAsync.fromEnv()
      assert.deepEqual([client.url, client.options.token, client.org], ['http://v2.example:3', 'v2-token', 'v2-org'])
    })
  })

  test('bad values are named', async () => {
    await withEnv({ INFLUXDB_V2_TIMEOUT: '10s' }, () => {
      assert.throws(() => InfluxDBClientAsync.fromEnv(), /INFLUXDB_V2_TIMEOUT: expected a positive integer, got "10s"/)
    })
    await withEnv({ INFLUXDB_V2_AUTH_BASIC: 'maybe' }, () => {
      assert.throws(() => InfluxDBClientAsync.fromEnv(), /INFLUXDB_V2_AUTH_BASIC: expected true\/false/)
    })
  })
})

describe('InfluxDBClientAsync.fromConfigFile', () => {
  const expectedTags = { id: '132-987-655', customer: 'California Miner', data_center: 'LA' }

  test('ini: [influx2] and [tags]; ${env.X} stays raw until a write API resolves it', async () => {
    await withEnv({ data_center: 'LA' }, () => {
      const client = InfluxDBClientAsync.fromConfigFile(fixture('config.ini'))
      assert.equal(client.url, 'http://localhost:8086')
      assert.equal(client.org, 'my-org')
      assert.equal(client.options.token, 'my-token')
      assert.equal(client.options.timeout, 6000)
      assert.equal(client.options.maxSockets, 55)
      assert.equal(client.options.authBasic, false)
      assert.deepEqual(client.options.defaultTags, {
        id: '132-987-655',
        customer: 'California Miner',
        data_center: '${env.data_center}',
      })
      assert.deepEqual(client.writeApi().defaultTags, expectedTags)
    })
  })

  test('toml: quoted values with escapes, typed numbers and booleans', async () => {
    await withEnv({ data_center: 'LA' }, () => {
      const client = InfluxDBClientAsync.fromConfigFile(fixture('config.toml'))
      assert.equal(client.url, 'http://localhost:8086')
      assert.equal(client.options.timeout, 6000)
      assert.equal(client.options.enableGzip, true)
      assert.deepEqual(client.writeApi().defaultTags, { ...expectedTags, customer: 'California "Miner"' })
    })
  })

  test('json: flat with a tags object', async () => {
    await withEnv({ data_center: 'LA' }, () => {
      const client = InfluxDBClientAsync.fromConfigFile(fixture('config.json'), { timeout: 1234 })
      assert.equal(client.org, 'my-org')
      assert.equal(client.options.timeout, 1234, 'overrides win')
      assert.equal(client.options.enableGzip, true)
      assert.equal(client.options.authBasic, false)
      assert.deepEqual(client.writeApi().defaultTags, expectedTags)
    })
  })

  test('format from content when the extension says nothing', () => {
    const toml = InfluxDBClientAsync.fromConfigFile(fixture('config-toml-no-extension'))
    assert.equal(toml.url, 'http://toml.example:8086')
    assert.equal(toml.options.timeout, 7000)
    const ini = InfluxDBClientAsync.fromConfigFile(fixture('config-ini-no-extension'))
    assert.equal(ini.url, 'http://ini.example:8086')
    assert.equal(ini.options.token, 'abc def')
  })

  test('another section, and errors that name the file and key', () => {
    const prod = InfluxDBClientAsync.fromConfigFile(fixture('config-custom-section.ini'), {}, { section: 'production' })
    assert.equal(prod.url, 'https://prod.example:8086')
    assert.equal(prod.options.tls?.rejectUnauthorized, false)
    assert.throws(
      () => InfluxDBClientAsync.fromConfigFile(fixture('config-bad-bool.ini')),
      /config-bad-bool\.ini: \[influx2\] auth_basic: expected true\/false/,
    )
    assert.throws(
      () => InfluxDBClientAsync.fromConfigFile(fixture('config.ini'), {}, { section: 'nope' }),
      /no \[nope\] section/,
    )
    assert.throws(() => InfluxDBClientAsync.fromConfigFile(fixture('does-not-exist.ini')), /cannot read config file/)
  })
})

describe('InfluxDBClientAsync lifecycle', () => {
  test('ping, version, and ping errors', async () => {
    const server = await startAnsweringServer(({ index: i }) =>
      i < 2 ? { status: 204, headers: { 'x-influxdb-version': '1.6.7' } } : { status: 503, body: 'down' },
    )
    const client = new InfluxDBClientAsync({ url: server.url, token: 't' })
    try {
      assert.equal(await client.ping(), true)
      assert.equal(await client.version(), '1.6.7')
      await assert.rejects(
        client.ping(),
        (e: unknown) => e instanceof InfluxDBError && e.statusCode === 503 && e.message === 'down',
      )
      assert.deepEqual(
        server.requests.map((r) => `${r.method} ${r.path}`),
        ['GET /ping', 'GET /ping', 'GET /ping'],
      )
    } finally {
      await client.close()
      await server.close()
    }
  })

  test('version is unknown without the header', async () => {
    const server = await startAnsweringServer()
    const client = new InfluxDBClientAsync({ url: server.url })
    assert.equal(await client.version(), 'unknown')
    await client.close()
    await server.close()
  })

  test('await using closes the client (and signs out a session); close is idempotent; use after close is refused', async () => {
    const server = await startAnsweringServer((req) =>
      req.path === '/api/v2/signin' ? { status: 204, headers: { 'set-cookie': 's=1; Path=/' } } : { status: 204 },
    )
    let outer: InfluxDBClientAsync | undefined
    {
      await using client = new InfluxDBClientAsync({ url: server.url, username: 'u', password: 'p', org: 'o' })
      outer = client
      await client.writeApi(new PointSettings()).write('b', undefined, 'm f=1')
    }
    assert.equal(outer.closed, true)
    await outer.close()
    assert.throws(() => outer.writeApi(), ClosedError)
    assert.throws(() => outer.deleteApi(), ClosedError)
    await assert.rejects(outer.ping(), ClosedError)
    assert.deepEqual(
      server.requests.map((r) => r.path),
      ['/api/v2/signin', '/api/v2/write', '/api/v2/signout'],
    )
    assert.equal(server.requests[2].headers.cookie, 's=1')
    await server.close()
  })
})
