// Talks InfluxQL to the real InfluxDB 1.6.7 that scripts/servers.sh starts: create and drop
// databases, and read data back losslessly for exact comparisons.
import { INFLUX_V1_URL } from './servers.js'
import { JsonNumber, parseLosslessJson, type JsonValue } from './lossless-json.js'

export interface QueryOptions {
  /** Where InfluxDB 1.x listens (default: the one scripts/servers.sh starts). */
  influxUrl?: string
  /** `Accept` header: `application/json` (default) or `application/csv`. */
  accept?: string
  /** Timestamps as integers in this unit; `ns` by default so nothing is rounded. */
  epoch?: 'ns' | 'u' | 'ms' | 's' | 'rfc3339'
}

/** One answer of POST /query, unparsed. */
export interface RawQueryAnswer {
  status: number
  text: string
}

/** POST /query?db=… with the statement form-encoded. Resolves for any status. */
export async function postQuery(
  db: string | undefined,
  influxql: string,
  options: QueryOptions = {},
): Promise<RawQueryAnswer> {
  const url = new URL('/query', options.influxUrl ?? INFLUX_V1_URL)
  if (db !== undefined) url.searchParams.set('db', db)
  if (options.epoch !== 'rfc3339') url.searchParams.set('epoch', options.epoch ?? 'ns')
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: options.accept ?? 'application/json' },
    body: new URLSearchParams({ q: influxql }).toString(),
    signal: AbortSignal.timeout(30_000),
  })
  return { status: res.status, text: await res.text() }
}

/**
 * Runs InfluxQL and returns the raw JSON (or CSV) text. Throws when the HTTP status is not 200
 * or a statement reports an error (1.x answers 200 with `results[i].error`).
 * Compare int64 values as text: JSON.parse would round them.
 */
export async function queryInflux(
  db: string | undefined,
  influxql: string,
  options: QueryOptions = {},
): Promise<string> {
  const answer = await postQuery(db, influxql, options)
  if (answer.status !== 200)
    throw new Error(`InfluxQL ${JSON.stringify(influxql)} → HTTP ${answer.status}: ${answer.text}`)
  const statementError = options.accept === 'application/csv' ? undefined : firstStatementError(answer.text)
  if (statementError !== undefined) throw new Error(`InfluxQL ${JSON.stringify(influxql)} → ${statementError}`)
  return answer.text
}

/** The first `results[i].error` in a /query answer, if any. */
export function firstStatementError(jsonText: string): string | undefined {
  const parsed = JSON.parse(jsonText) as { results?: { error?: string }[]; error?: string }
  if (typeof parsed.error === 'string') return parsed.error
  return parsed.results?.find((r) => typeof r.error === 'string')?.error
}

/** One series of a /query answer, with numbers kept exact. */
export interface Series {
  name: string
  tags: Record<string, string>
  columns: string[]
  values: JsonValue[][]
}

/** Runs one SELECT/SHOW statement and returns its series, numbers kept as {@link JsonNumber}. */
export async function selectSeries(db: string, influxql: string, options: QueryOptions = {}): Promise<Series[]> {
  const parsed = parseLosslessJson(await queryInflux(db, influxql, options)) as {
    results: { series?: { name?: string; tags?: Record<string, string>; columns: string[]; values: JsonValue[][] }[] }[]
  }
  return (parsed.results[0]?.series ?? []).map((s) => ({
    name: s.name ?? '',
    tags: s.tags ?? {},
    columns: s.columns,
    values: s.values,
  }))
}

/** A row as column → value, plus the series' measurement name and tags. */
export interface Row {
  measurement: string
  tags: Record<string, string>
  values: Record<string, JsonValue>
}

/** Runs one statement and flattens every series into rows. */
export async function selectRows(db: string, influxql: string, options: QueryOptions = {}): Promise<Row[]> {
  const rows: Row[] = []
  for (const series of await selectSeries(db, influxql, options)) {
    for (const value of series.values) {
      const values: Record<string, JsonValue> = {}
      series.columns.forEach((column, i) => {
        values[column] = value[i] ?? null
      })
      rows.push({ measurement: series.name, tags: series.tags, values })
    }
  }
  return rows
}

/** Field key → InfluxDB type (`float`, `integer`, `string`, `boolean`) of one measurement. */
export async function fieldTypes(db: string, measurement: string): Promise<Record<string, string>> {
  return (await fieldTypesByMeasurement(db, `SHOW FIELD KEYS FROM ${quoteIdentifier(measurement)}`))[measurement] ?? {}
}

/**
 * Measurement → field key → type, for every measurement of the database. Use it for names that
 * InfluxQL cannot quote: its scanner turns a carriage return into a line feed, which ends a quoted name.
 */
export async function fieldTypesByMeasurement(
  db: string,
  statement = 'SHOW FIELD KEYS',
): Promise<Record<string, Record<string, string>>> {
  const result: Record<string, Record<string, string>> = {}
  for (const series of await selectSeries(db, statement)) {
    const types: Record<string, string> = (result[series.name] ??= {})
    // SHOW FIELD KEYS answers rows of [field key, type], both strings.
    for (const [key, type] of series.values as [string, string][]) types[key] = type
  }
  return result
}

/** Drops (if present) and creates a database, so every test file starts empty. */
export async function createDatabase(db: string, options: QueryOptions = {}): Promise<void> {
  await queryInflux(undefined, `DROP DATABASE ${quoteIdentifier(db)}`, options)
  await queryInflux(undefined, `CREATE DATABASE ${quoteIdentifier(db)}`, options)
}

/** Drops a database; a missing one is fine. */
export async function dropDatabase(db: string, options: QueryOptions = {}): Promise<void> {
  await queryInflux(undefined, `DROP DATABASE ${quoteIdentifier(db)}`, options)
}

/** An InfluxQL double-quoted identifier (the scanner knows `\\`, `\"` and `\n`; a raw newline is an error). */
export function quoteIdentifier(name: string): string {
  return `"${escapeQuoted(name, '"')}"`
}

/** An InfluxQL single-quoted string literal. */
export function quoteString(value: string): string {
  return `'${escapeQuoted(value, "'")}'`
}

function escapeQuoted(text: string, quote: '"' | "'"): string {
  let out = ''
  for (const c of text) {
    if (c === '\\' || c === quote) out += `\\${c}`
    else if (c === '\n') out += '\\n'
    else out += c
  }
  return out
}

/** A JSON number cell as bigint (timestamps, integer fields); throws on anything else. */
export function asBigInt(value: JsonValue | undefined): bigint {
  if (!(value instanceof JsonNumber)) throw new TypeError(`expected a number, got ${JSON.stringify(value)}`)
  return value.toBigInt()
}
