import { beforeEach, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { gzipSync } from 'node:zlib'
import { send, useServer, write } from './http.js'

const server = useServer({
  tokens: [
    { token: 'reader', permissions: 'read' },
    { token: 'writer', permissions: 'write' },
  ],
})
beforeEach(() => server().reset())

const error = (code: string, message: string) => ({ code, message })

describe('POST /api/v2/write: success', () => {
  test('204, no body, InfluxDB headers, point stored', async () => {
    const answer = await write(server(), 'cpu,host=a,region=eu usage=1.5,count=3i,on=true,name="x" 1700000000000000000')
    assert.equal(answer.status, 204)
    assert.equal(answer.text, '')
    assert.equal(answer.headers.get('x-influxdb-build'), 'OSS')
    assert.equal(answer.headers.get('x-influxdb-version'), 'v2.7.11')
    assert.deepEqual(server().points('test-bucket'), [
      {
        measurement: 'cpu',
        tags: { host: 'a', region: 'eu' },
        fields: { usage: 1.5, count: 3n, on: true, name: 'x' },
        fieldTypes: { usage: 'float', count: 'integer', on: 'boolean', name: 'string' },
        time: 1700000000000000000n,
      },
    ])
  })

  test('an empty or blank body answers 204 and stores nothing', async () => {
    assert.equal((await write(server(), '')).status, 204)
    assert.equal((await write(server(), '\n  \n# only a comment\n')).status, 204)
    assert.equal(server().count('test-bucket'), 0)
  })

  test('precision scales timestamps; points without one get the server time', async () => {
    assert.equal((await write(server(), 'm v=1 5', 'org=test-org&bucket=test-bucket&precision=s')).status, 204)
    const before = BigInt(Date.now()) * 1_000_000n
    assert.equal((await write(server(), 'm w=1', 'org=test-org&bucket=test-bucket&precision=ms')).status, 204)
    const after = BigInt(Date.now()) * 1_000_000n
    const [first, second] = server().points('test-bucket')
    assert.equal(first.time, 5_000_000_000n)
    assert.ok(second.time >= before - 1_000_000n && second.time <= after, `${second.time} not in [${before}, ${after}]`)
    assert.equal(second.time % 1_000_000n, 0n)
  })

  test('the bucket may be named by ID, the org by ID or orgID', async () => {
    const bucketID = server().createBucket('test-bucket')
    const orgID = server().orgID
    assert.equal((await write(server(), 'm v=1 1', `org=${orgID}&bucket=${bucketID}`)).status, 204)
    assert.equal((await write(server(), 'm v=2 2', `orgID=${orgID}&bucket=test-bucket`)).status, 204)
    assert.equal(server().count('test-bucket'), 2)
  })

  test('gzip and x-gzip bodies are decompressed; other encodings are ignored', async () => {
    assert.equal((await write(server(), gzipSync('m v=1 1'), undefined, { 'Content-Encoding': 'gzip' })).status, 204)
    assert.equal((await write(server(), gzipSync('m v=2 2'), undefined, { 'Content-Encoding': 'x-gzip' })).status, 204)
    assert.equal((await write(server(), 'm v=3 3', undefined, { 'Content-Encoding': 'identity' })).status, 204)
    assert.equal((await write(server(), 'm v=4 4', undefined, { 'Content-Encoding': 'br' })).status, 204)
    assert.deepEqual(
      server()
        .points('test-bucket')
        .map((p) => p.fields.v),
      [1, 2, 3, 4],
    )
  })

  test('same series and time: the field sets are merged and later values win', async () => {
    await write(server(), 'm,t=a a=1 10\nm,t=a b=5 20')
    await write(server(), 'm,t=a a=2,c=3 10')
    assert.deepEqual(
      server()
        .points('test-bucket')
        .map((p) => [p.time, p.fields]),
      [
        [10n, { a: 2, c: 3 }],
        [20n, { b: 5 }],
      ],
    )
  })
})

describe('POST /api/v2/write: the checks, in InfluxDB order', () => {
  test('401 without a valid token, whatever else is wrong', async () => {
    for (const headers of [
      { Authorization: '' },
      { Authorization: 'Token nope' },
      { Authorization: 'Token  test-token' },
      { Authorization: 'Basic x' },
    ]) {
      const answer = await write(server(), 'bad', 'precision=x', headers)
      assert.equal(answer.status, 401)
      assert.deepEqual(answer.json, error('unauthorized', 'unauthorized access'))
      assert.equal(answer.headers.get('content-type'), 'application/json; charset=utf-8')
      assert.equal(answer.headers.get('x-platform-error-code'), 'unauthorized')
    }
  })

  test('the scheme is Token or Bearer, in any case', async () => {
    for (const scheme of ['Token', 'token', 'TOKEN', 'Bearer', 'bearer']) {
      assert.equal(
        (await write(server(), 'm v=1 1', undefined, { Authorization: `${scheme} test-token` })).status,
        204,
        scheme,
      )
    }
  })

  test('400 for a precision other than ns, us, ms, s', async () => {
    for (const precision of ['n', 'u', 'NS', 'h', 'x']) {
      const answer = await write(server(), 'm v=1', `precision=${precision}`)
      assert.equal(answer.status, 400)
      assert.deepEqual(answer.json, error('invalid', 'invalid precision; valid precision units are ns, us, ms, and s'))
    }
  })

  test('404 bucket not found for a missing or empty bucket, before the org is looked at', async () => {
    for (const query of ['org=test-org', 'org=test-org&bucket=', '']) {
      const answer = await write(server(), 'm v=1', query)
      assert.equal(answer.status, 404)
      assert.deepEqual(answer.json, error('not found', 'bucket not found'))
    }
  })

  test('a bad gzip header is a bare 500; a bad checksum or a truncated stream is a 400', async () => {
    const headers = { 'Content-Encoding': 'gzip' }
    const plain = await write(server(), 'm v=1', undefined, headers)
    assert.equal(plain.status, 500)
    assert.deepEqual(plain.json, error('internal error', 'An internal error has occurred - check server logs'))
    const corrupt = gzipSync('m v=1 1')
    corrupt[corrupt.length - 6] ^= 0xff
    const checksum = await write(server(), corrupt, undefined, headers)
    assert.equal(checksum.status, 400)
    assert.deepEqual(checksum.json, error('invalid', 'unable to read data: gzip: invalid checksum'))
    const truncated = await write(server(), gzipSync('m v=1 1').subarray(0, 15), undefined, headers)
    assert.equal(truncated.status, 400)
    assert.deepEqual(truncated.json, error('invalid', 'unable to read data: unexpected EOF'))
    for (const tail of [Buffer.from('xyz'), Buffer.alloc(4)]) {
      const trailing = await write(server(), Buffer.concat([gzipSync('m v=1 1'), tail]), undefined, headers)
      assert.equal(trailing.status, 400)
      assert.deepEqual(trailing.json, error('invalid', 'unable to read data: gzip: invalid header'))
    }
    assert.equal(server().count('test-bucket'), 0)
    const members = Buffer.concat([gzipSync('m v=1 1\n'), gzipSync('m v=2 2')])
    assert.equal((await write(server(), members, undefined, headers)).status, 204)
    assert.equal(server().count('test-bucket'), 2)
  })

  test('org: missing is 400, unknown name or ID is 404, malformed orgID is 400', async () => {
    const cases: Array<[string, number, ReturnType<typeof error>]> = [
      ['bucket=test-bucket', 400, error('invalid', 'Please provide either orgID or org')],
      ['bucket=test-bucket&org=', 400, error('invalid', 'Please provide either orgID or org')],
      ['bucket=test-bucket&org=nope', 404, error('not found', 'organization name "nope" not found')],
      ['bucket=test-bucket&org=0123456789abcdef', 404, error('not found', 'organization not found')],
      ['bucket=test-bucket&orgID=0123456789abcdef', 404, error('not found', 'organization not found')],
      ['bucket=test-bucket&orgID=xyz', 400, error('invalid', 'id must have a length of 16 bytes')],
      ['bucket=test-bucket&orgID=zzzzzzzzzzzzzzzz', 400, error('invalid', 'invalid ID')],
    ]
    for (const [query, status, body] of cases) {
      const answer = await write(server(), 'm v=1', query)
      assert.equal(answer.status, status, query)
      assert.deepEqual(answer.json, body, query)
    }
  })

  test('404 for an unknown bucket name, after the org check', async () => {
    const answer = await write(server(), 'm v=1', 'org=test-org&bucket=nope')
    assert.equal(answer.status, 404)
    assert.deepEqual(answer.json, error('not found', 'bucket "nope" not found'))
  })

  test('403 for a token without write, after the bucket lookup and before parsing', async () => {
    const reader = { Authorization: 'Token reader' }
    assert.equal((await write(server(), 'm v=1', 'org=test-org&bucket=nope', reader)).status, 404)
    const answer = await write(server(), 'not line protocol', undefined, reader)
    assert.equal(answer.status, 403)
    assert.deepEqual(answer.json, error('forbidden', 'insufficient permissions for write'))
    assert.equal((await write(server(), 'm v=1 1', undefined, { Authorization: 'Token writer' })).status, 204)
  })

  test('405 for other methods', async () => {
    const answer = await send(server(), 'GET', '/api/v2/write?org=test-org&bucket=test-bucket')
    assert.equal(answer.status, 405)
    assert.deepEqual(answer.json, error('method not allowed', 'allow: POST'))
  })
})

describe('POST /api/v2/write: parse errors and partial writes', () => {
  test('400 lists every failed line and nothing is written', async () => {
    const answer = await write(server(), 'good v=1 1\nbad\ngood v=2 2\nm v=1 1 2\nm,t=a,t=b v=1')
    assert.equal(answer.status, 400)
    assert.deepEqual(
      answer.json,
      error(
        'invalid',
        "unable to parse 'bad': missing fields\nunable to parse 'm v=1 1 2': point is invalid\nunable to parse 'm,t=a,t=b v=1': duplicate tags",
      ),
    )
    assert.equal(answer.headers.get('x-platform-error-code'), 'invalid')
    assert.equal(server().count('test-bucket'), 0)
  })

  test('the JSON is escaped as Go escapes it', async () => {
    const answer = await write(server(), 'a<b&c v=1 1 2')
    assert.equal(
      answer.text,
      '{"code":"invalid","message":"unable to parse \'a\\u003cb\\u0026c v=1 1 2\': point is invalid"}',
    )
  })

  test('reserved tag keys are a 400 parse error', async () => {
    for (const key of ['time', '_field', '_measurement']) {
      const answer = await write(server(), `m,${key}=x v=1`)
      assert.equal(answer.status, 400)
      assert.deepEqual(
        answer.json,
        error('invalid', `unable to parse 'm,${key}=x v=1': cannot use reserved tag key "${key}"`),
      )
    }
  })

  test('422 for a field type conflict with stored data; the other points are kept', async () => {
    assert.equal((await write(server(), 'm f=1.5 1')).status, 204)
    const answer = await write(server(), 'm f=2i 2\nm f=3i 3\nm g=1i 4\nother f=1i 5')
    assert.equal(answer.status, 422)
    assert.deepEqual(
      answer.json,
      error(
        'unprocessable entity',
        'failure writing points to database: partial write: field type conflict: input field "f" on measurement "m" is type integer, already exists as type float dropped=2',
      ),
    )
    assert.deepEqual(
      server()
        .points('test-bucket')
        .map((p) => [p.measurement, p.time]),
      [
        ['m', 1n],
        ['m', 4n],
        ['other', 5n],
      ],
    )
  })

  test('422 for a conflict inside one batch: the first type wins', async () => {
    const answer = await write(server(), 'conf v=1i 1\nconf v=1.5 2\nconf w=1 3')
    assert.equal(answer.status, 422)
    assert.deepEqual(
      answer.json,
      error(
        'unprocessable entity',
        'failure writing points to database: partial write: field type conflict: input field "v" on measurement "conf" is type float, already exists as type integer dropped=1',
      ),
    )
    assert.deepEqual(
      server()
        .points('test-bucket')
        .map((p) => p.time),
      [1n, 3n],
    )
  })

  test('a field named time is stripped (422, dropped=0) or drops its point when it is the only field', async () => {
    const stripped = await write(server(), 'ft,c=1 time=1,v=2 10')
    assert.equal(stripped.status, 422)
    assert.deepEqual(
      stripped.json,
      error(
        'unprocessable entity',
        'failure writing points to database: partial write: invalid field name: input field "time" on measurement "ft" is invalid. Field "time" has been stripped from point. dropped=0',
      ),
    )
    const only = await write(server(), 'ft,c=1 time=1 20')
    assert.equal(only.status, 422)
    assert.deepEqual(
      only.json,
      error(
        'unprocessable entity',
        'failure writing points to database: partial write: invalid field name: input field "time" on measurement "ft" is invalid dropped=1',
      ),
    )
    assert.deepEqual(
      server()
        .points('test-bucket')
        .map((p) => [p.time, p.fields]),
      [[10n, { v: 2 }]],
    )
  })
})

describe('POST /api/v2/write: string fields over 1 MiB (tsdb MaxFieldValueLength)', () => {
  const MiB = 1048576
  const partial = (reason: string) =>
    error('unprocessable entity', `failure writing points to database: partial write: ${reason}`)

  test('422 drops a point whose string field exceeds 1048576 UTF-8 bytes; the other points are kept', async () => {
    const body = [
      `m s="${'x'.repeat(MiB)}" 1`,
      // 524289 characters but 1048578 bytes: the limit counts bytes, not characters.
      `m s="${'é'.repeat(MiB / 2 + 1)}" 2`,
      `m s="${'x'.repeat(MiB + 1)}" 3`,
      // 1048577 characters between the quotes, 1048576 bytes once \" is unescaped.
      `m s="\\"${'x'.repeat(MiB - 1)}" 4`,
      'm s="ok" 5',
    ].join('\n')
    const answer = await write(server(), body)
    assert.equal(answer.status, 422)
    assert.equal(answer.headers.get('x-platform-error-code'), 'unprocessable entity')
    assert.deepEqual(
      answer.json,
      partial(`input field "s" on measurement "m" is too long, ${MiB + 2} > ${MiB} dropped=2`),
    )
    assert.deepEqual(
      server()
        .points('test-bucket')
        .map((p) => p.time),
      [1n, 4n, 5n],
    )
  })

  test('a dropped long string registers no field type', async () => {
    const answer = await write(server(), `n s="${'x'.repeat(MiB + 1)}" 1\nn s=1i 2`)
    assert.equal(answer.status, 422)
    assert.deepEqual(
      answer.json,
      partial(`input field "s" on measurement "n" is too long, ${MiB + 1} > ${MiB} dropped=1`),
    )
    assert.deepEqual(
      server()
        .points('test-bucket')
        .map((p) => [p.time, p.fieldTypes]),
      [[2n, { s: 'integer' }]],
    )
  })

  test('with type conflicts: the first reason met (by point, then by field) is reported, dropped counts all', async () => {
    const long = `"${'y'.repeat(MiB + 1)}"`
    assert.equal((await write(server(), 'm f=1.5 1')).status, 204)
    const conflictFirst = await write(server(), `m f=1i 2\nm s=${long} 3\nm f=2.5 4`)
    assert.equal(conflictFirst.status, 422)
    assert.deepEqual(
      conflictFirst.json,
      partial(
        'field type conflict: input field "f" on measurement "m" is type integer, already exists as type float dropped=2',
      ),
    )
    const longFirst = await write(server(), `m s=${long} 5\nm f=1i 6`)
    assert.deepEqual(
      longFirst.json,
      partial(`input field "s" on measurement "m" is too long, ${MiB + 1} > ${MiB} dropped=2`),
    )
    const sameLine = await write(server(), `m f=1i,s=${long} 7\nm s=${long},f=1i 8`)
    assert.deepEqual(
      sameLine.json,
      partial(
        'field type conflict: input field "f" on measurement "m" is type integer, already exists as type float dropped=2',
      ),
    )
    const sameLineLongFirst = await write(server(), `m s=${long},f=1i 9`)
    assert.deepEqual(
      sameLineLongFirst.json,
      partial(`input field "s" on measurement "m" is too long, ${MiB + 1} > ${MiB} dropped=1`),
    )
    assert.deepEqual(
      server()
        .points('test-bucket')
        .map((p) => p.time),
      [1n, 4n],
    )
  })
})

describe('POST /api/v2/write: bucket retention', () => {
  const HOUR_NS = 3_600_000_000_000n
  const retained = () => server().createBucket('one-hour', { retentionRules: [{ type: 'expire', everySeconds: 3600 }] })
  const nowNs = () => BigInt(Date.now()) * 1_000_000n
  // The bound is the server's clock minus the period, so the test reads it back and checks that it is plausible.
  const BOUND = /Retention Policy Lower Bound at (\S+?)(?:,| dropped=)/

  test('422 drops the points older than now minus the period; the others are kept', async () => {
    const id = retained()
    const recent = nowNs() - 60_000_000_000n
    const before = nowNs()
    const answer = await write(
      server(),
      `m,t=b v=1 ${recent}\nm\\ x,b=2,a\\,z=1 v=2 1500000000\nm,t=a v=3 1\nm,t=c v=4 1\nm,t=d v=5 1500000000\nm,t=e v=6`,
      'org=test-org&bucket=one-hour',
    )
    const after = nowNs()
    assert.equal(answer.status, 422)
    assert.equal(answer.headers.get('x-platform-error-code'), 'unprocessable entity')
    const message = (answer.json as { message: string }).message
    const bound = BOUND.exec(message)?.[1]
    assert.ok(bound !== undefined, message)
    const boundNs = BigInt(Date.parse(bound)) * 1_000_000n
    assert.ok(
      boundNs >= before - HOUR_NS - 1_000_000n && boundNs <= after - HOUR_NS,
      `${bound} is not an hour before the write`,
    )
    const why = `dropped because it violates a Retention Policy Lower Bound at ${bound}`
    assert.deepEqual(
      answer.json,
      error(
        'unprocessable entity',
        'failure writing points to database: partial write: dropped 4 points outside retention policy of duration 1h0m0s - ' +
          `oldest point m,t=a at 1970-01-01T00:00:00.000000001Z ${why}, ` +
          `newest point m\\ x,a\\,z=1,b=2 at 1970-01-01T00:00:01.5Z ${why} dropped=4 for database: ${id} for retention policy: autogen`,
      ),
    )
    assert.deepEqual(
      server()
        .points('one-hour')
        .map((p) => p.tags.t),
      ['b', 'e'],
    )
  })

  test('a bucket without a period keeps points of any age', async () => {
    server().createBucket('forever', { retentionRules: [{ type: 'expire', everySeconds: 0 }] })
    assert.equal((await write(server(), 'm v=1 1', 'org=test-org&bucket=forever')).status, 204)
    assert.equal((await write(server(), 'm v=1 1')).status, 204)
  })

  test('an expired point registers no field type and is dropped before its fields are judged', async () => {
    retained()
    const answer = await write(server(), `m time=1 1\nm v=1i 2\nm v=2.5 ${nowNs()}`, 'org=test-org&bucket=one-hour')
    assert.equal(answer.status, 422)
    assert.match(
      (answer.json as { message: string }).message,
      /^failure writing points to database: partial write: dropped 2 points outside retention policy of duration 1h0m0s - oldest point m at 1970-01-01T00:00:00\.000000001Z .* dropped=2 for database: /,
    )
    assert.deepEqual(
      server()
        .points('one-hour')
        .map((p) => p.fieldTypes),
      [{ v: 'float' }],
    )
  })

  test('a storage drop is reported instead of the retention drops, counting only its own', async () => {
    retained()
    const now = nowNs()
    assert.equal((await write(server(), `m v=1.5 ${now}`, 'org=test-org&bucket=one-hour')).status, 204)
    const answer = await write(server(), `m v=1 1\nm v=2i ${now + 1n}\nm v=3 2`, 'org=test-org&bucket=one-hour')
    assert.equal(answer.status, 422)
    assert.deepEqual(
      answer.json,
      error(
        'unprocessable entity',
        'failure writing points to database: partial write: field type conflict: input field "v" on measurement "m" is type integer, already exists as type float dropped=1',
      ),
    )
    assert.equal(server().count('one-hour'), 1)
  })
})

describe('server_contract.md §3.6 conformance vectors over HTTP', () => {
  const vectors: Array<[string, number, string?]> = [
    ['m v=1', 204],
    ['m', 400, "unable to parse 'm': missing fields"],
    ['m v=1i,v2=1u,s="a\\"b\\\\c",b=TRUE 1', 204],
    ['m v=NaN', 400, "unable to parse 'm v=NaN': invalid number"],
    [
      'm v=9223372036854775808i',
      400,
      'unable to parse \'m v=9223372036854775808i\': unable to parse integer 9223372036854775808: strconv.ParseInt: parsing "9223372036854775808": value out of range',
    ],
    ['m,t=a,t=b v=1', 400, "unable to parse 'm,t=a,t=b v=1': duplicate tags"],
    ['m,_field=x v=1', 400, 'unable to parse \'m,_field=x v=1\': cannot use reserved tag key "_field"'],
    ['m v=1 1 2', 400, "unable to parse 'm v=1 1 2': point is invalid"],
    ['m v=1 1\r\n', 400, "unable to parse 'm v=1 1\r': bad timestamp"],
    ['# c\n\nm v=1', 204],
    ['my\\ m,t\\=k=v\\,w f\\ k=1', 204],
    ['m v=1 1\nm v=', 400, "unable to parse 'm v=': missing field value"],
  ]
  for (const [body, status, message] of vectors) {
    test(JSON.stringify(body), async () => {
      const answer = await write(server(), body)
      assert.equal(answer.status, status)
      if (message !== undefined) assert.deepEqual(answer.json, error('invalid', message))
      if (status !== 204) assert.equal(server().count('test-bucket'), 0)
    })
  }

  test('the stored values of the typed and escaped vectors', async () => {
    await write(server(), 'm v=1i,v2=1u,s="a\\"b\\\\c",b=TRUE 1\nmy\\ m,t\\=k=v\\,w f\\ k=1 2')
    assert.deepEqual(server().points('test-bucket'), [
      {
        measurement: 'm',
        tags: {},
        time: 1n,
        fields: { v: 1n, v2: 1n, s: 'a"b\\c', b: true },
        fieldTypes: { v: 'integer', v2: 'unsigned', s: 'string', b: 'boolean' },
      },
      { measurement: 'my m', tags: { 't=k': 'v,w' }, fields: { 'f k': 1 }, fieldTypes: { 'f k': 'float' }, time: 2n },
    ])
  })
})
