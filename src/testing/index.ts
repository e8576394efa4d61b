/**
 * `influxdb-client-async/testing`: an embedded InfluxDB-2.x-compatible server for tests and demos.
 *
 * It answers `/api/v2/write`, `/api/v2/delete`, `/ping`, `/health`, `/api/v2/buckets` and
 * `/api/v2/orgs` with InfluxDB 2.x OSS's status codes and messages, parses line protocol as
 * strictly as InfluxDB does, keeps the points in memory (optionally journaled to a file), and
 * lets a test inspect what was stored and inject failures.
 *
 * @packageDocumentation
 */
export { startTestServer } from './server.js'
export type { FailureOptions, RecordedRequest, TestServer, TestServerOptions } from './server.js'
export type { Permission, RetentionRule, TokenSpec } from './registry.js'
export type { PointFilter, StoredPoint } from './storage.js'
export type { FieldType, FieldValue } from './line-protocol.js'
export { parseLineProtocol } from './line-protocol.js'
export type { ParsedPoint, ParseResult, ParseOptions } from './line-protocol.js'
