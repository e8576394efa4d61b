/**
 * `influxdb-client-async/testing`: an embedded InfluxDB-2.x-compatible server for tests and demos.
 *
 * ```ts
 * import { startTestServer } from 'influxdb-client-async/testing'
 *
 * const server = await startTestServer()          // http://127.0.0.1:<free port>
 * const client = new InfluxDBClientAsync({ url: server.url, token: server.token, org: server.org })
 * await client.writeApi().write('test-bucket', undefined, 'cpu,host=a usage=1.5 1')
 * server.points('test-bucket')
 * // → [{ measurement: 'cpu', tags: { host: 'a' }, fields: { usage: 1.5 }, fieldTypes: { usage: 'float' }, time: 1n }]
 * await server.close()
 * ```
 *
 * **Defaults.** Host `127.0.0.1`, a free port, the all-access token `test-token`, the org
 * `test-org` and the bucket `test-bucket`. Org and bucket IDs are derived from their names, so
 * they are the same on every start. More buckets come from the `buckets` option,
 * {@link TestServer.createBucket} or `POST /api/v2/buckets`.
 *
 * **Tokens.** `Authorization: Token <t>` or `Bearer <t>`. `tokens: [{ token, permissions }]` adds
 * tokens: `read` may list buckets and orgs, `write` may also write and delete (a `read` token
 * provokes the 403 of a write), `all` may also create buckets and orgs.
 *
 * **Endpoints**, with InfluxDB 2.x OSS's statuses, check order and messages:
 * `POST /api/v2/write` (all lines parsed; any bad line is a 400 that lists every bad line and
 * writes nothing; a field type conflict is a 422 that keeps the good points; gzip bodies),
 * `POST /api/v2/delete` (RFC3339Nano range, inclusive at both ends, the 2.x predicate grammar),
 * `GET|HEAD /ping`, `GET /health`, `GET|POST /api/v2/buckets`, `GET|POST /api/v2/orgs`.
 * Other paths answer 404 and other methods 405, as JSON.
 *
 * **Line protocol** is parsed as InfluxDB's Go parser does, with the same error texts; the
 * parser is cross-checked against a real InfluxDB 1.6.7 in the test suite.
 *
 * **Stored points.** Fields are typed: float → `number`, integer and unsigned → `bigint`,
 * string → `string`, boolean → `boolean`; `fieldTypes` tells integer from unsigned. Times are
 * `bigint` nanoseconds. Points come back sorted by measurement, then tag set, then time; a
 * second write to the same series and time merges its fields into the first (later values win).
 *
 * **Faults.** {@link TestServer.failNext}, {@link TestServer.delay} and
 * {@link TestServer.dropConnections} act on `POST /api/v2/write` unless given another path;
 * {@link TestServer.requests} lists what arrived, byte for byte.
 *
 * **Answers of your own.** {@link TestServer.respondWith} answers a request with a
 * {@link TestReply} of the caller's (any status, headers and body, after a delay, or a dropped
 * connection); {@link TestServer.intercept} hands a request over as node:http sees it, for an
 * answer before the body is read or a body read slowly.
 *
 * **Persistence.** With `persistPath`, every change is appended to that file and replayed on
 * the next start.
 *
 * @packageDocumentation
 */
export { startTestServer } from './server.js'
export type { TestServer, TestServerOptions } from './server.js'
export type { ReceivedRequest, RecordedRequest } from './recorder.js'
export type { FailureOptions, RequestInterceptor, Responder, TestReply } from './fault-injector.js'
export type { Permission, TokenSpec } from './registry.js'
export type { RetentionRule } from './retention.js'
export type { ServerGeneration } from './generations.js'
export type { PointFilter, StoredPoint } from './storage.js'
export type { ParsedFieldType, FieldValue } from './line-parser.js'
export { parseLineProtocol } from './line-parser.js'
export type { ParsedField, ParsedPoint, ParseResult, ParseOptions } from './line-parser.js'
