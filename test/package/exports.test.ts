// The public surface of each entry point, names and all: adding or removing an export changes
// this file, so the change is seen in review. Values are checked at run time, types through
// TypeScript's own view of the entry module.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { declaredExports } from './list-exports.js'

const ENTRIES = {
  'src/index.ts': {
    values: [
      'BatchCallbackError',
      'ClosedError',
      'InfluxDBClientAsync',
      'InfluxDBClientError',
      'InfluxDBError',
      'InvalidArgumentError',
      'NetworkError',
      'PartialWriteError',
      'Point',
      'PointSettings',
      'RecordError',
      'RequestAbortedError',
      'RequestTimeoutError',
      'SpoolLockedError',
      'SpoolWriteError',
      'UndeliveredLinesError',
      'UnsupportedOperationError',
      'WritePrecision',
      'predicate',
      'validatePredicate',
    ],
    types: [
      'ApiVersion',
      'ApiVersionOption',
      'ApiWriteOptions',
      'BatchFailedInfo',
      'BatchStreamOptions',
      'BatchWriteOptions',
      'BatchWriter',
      'BatchWriterOptions',
      'BatchWriterStats',
      'BatchWrittenInfo',
      'ClientOptions',
      'ConfigFileOptions',
      'DefaultTagValue',
      'DeleteApiAsync',
      'DeleteCallOptions',
      'DeleteParameters',
      'DeleteTime',
      'FetchFunction',
      'FieldType',
      'InfluxDBErrorInit',
      'OrgInput',
      'PingOptions',
      'PointRecord',
      'PredicateValue',
      'ReadAnyRecordOptions',
      'ReadAnyWriteParameters',
      'RecordFieldValue',
      'RecordOptions',
      'RejectedLine',
      'ResponseHeaders',
      'RetryOptions',
      'SpoolOptions',
      'SpoolStats',
      'TableOptions',
      'TagValue',
      'TimeInput',
      'TlsOptions',
      'UndeliveredBatch',
      'WriteApiAsync',
      'WriteCallOptions',
      'WriteConsistency',
      'WriteParameters',
      'WriteRecord',
      'WriteRecords',
      'WriteTarget',
    ],
  },
  'src/testing/index.ts': {
    values: ['parseLineProtocol', 'startTestServer'],
    types: [
      'FailureOptions',
      'FieldValue',
      'ParseOptions',
      'ParseResult',
      'ParsedField',
      'ParsedFieldType',
      'ParsedPoint',
      'Permission',
      'PointFilter',
      'ReceivedRequest',
      'RecordedRequest',
      'RequestInterceptor',
      'Responder',
      'RetentionRule',
      'ServerGeneration',
      'StoredPoint',
      'TestReply',
      'TestServer',
      'TestServerOptions',
      'TokenSpec',
    ],
  },
  'src/compat/index.ts': {
    values: [
      'AbortError',
      'DEFAULT_WriteOptions',
      'DeleteAPI',
      'HttpError',
      'IllegalArgumentError',
      'InfluxDB',
      'Point',
      'RequestTimedOutError',
      'WriteApi',
    ],
    types: [
      'ClientOptions',
      'HttpHeaders',
      'PointSettings',
      'PointTime',
      'PostDeleteRequest',
      'RetrySkippedEntry',
      'WriteFailure',
      'WriteOptions',
      'WritePrecisionType',
      'WriteRetryOptions',
    ],
  },
} as const

const sorted = (names: readonly string[]): string[] => [...names].sort()

test('each entry point exports exactly its listed values', async () => {
  for (const [entry, expected] of Object.entries(ENTRIES)) {
    const module = (await import(`../../${entry}`)) as Record<string, unknown>
    assert.deepEqual(Object.keys(module).sort(), sorted(expected.values), entry)
  }
})

test('each entry point declares exactly its listed values and types', () => {
  const declared = declaredExports(Object.keys(ENTRIES))
  for (const [entry, expected] of Object.entries(ENTRIES)) {
    assert.deepEqual(declared.get(entry), sorted([...expected.values, ...expected.types]), entry)
  }
})

test('no name is exported by two entry points with different meanings', () => {
  // compat mirrors another package's names on purpose (Point, ClientOptions, PointSettings); the
  // client's own entry points (root and testing) share none.
  const root = new Set<string>([...ENTRIES['src/index.ts'].values, ...ENTRIES['src/index.ts'].types])
  const shared = [...ENTRIES['src/testing/index.ts'].values, ...ENTRIES['src/testing/index.ts'].types].filter((n) =>
    root.has(n),
  )
  assert.deepEqual(shared, [])
})
