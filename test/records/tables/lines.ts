// Shared by the table tests: a table's lines through the public contract of records/tables.
import assert from 'node:assert/strict'
import { RecordError } from '../../../src/errors.js'
import type { WritePrecision } from '../../../src/line-protocol/precision.js'
import { asTable, type TableSource } from '../../../src/records/tables/index.js'
import type { SerializeContext } from '../../../src/records/options.js'

export type TableOptions = Partial<SerializeContext>

/** The table found in `value`; fails the test when it is not one. */
export function tableOf(value: unknown): TableSource {
  const table = asTable(value)
  assert.ok(table !== undefined, 'expected a table')
  return table
}

/** Every line of `value` with `dataFrameMeasurementName: 'm'` and ns precision unless overridden. */
export function linesOf(value: unknown, options: TableOptions = {}, precision: WritePrecision = 'ns'): string[] {
  return [...tableOf(value).lines(contextOf(options, precision), [])]
}

export function contextOf(options: TableOptions = {}, precision: WritePrecision = 'ns'): SerializeContext {
  return { precision, defaultTags: {}, dataFrameMeasurementName: 'm', ...options }
}

/** Asserts that reading every line throws a RecordError with exactly `message`. */
export function assertRecordError(run: () => unknown, message: string, path?: readonly number[]): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof RecordError, `expected a RecordError, got ${String(error)}`)
    assert.equal(error.message, message)
    if (path !== undefined) assert.deepEqual(error.path, path)
    return true
  })
}
