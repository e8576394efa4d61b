/**
 * The three input formats of `write`, each read as a stream of batches ready for the BatchWriter.
 * Rows and lines that cannot be written are handed to `reject` (with their position) and left out;
 * everything else is passed on unchanged.
 */
import { Readable } from 'node:stream'
import type { BatchWriteOptions } from '../../write/batch-options.js'
import { AnnotatedCsvReader, AnnotationError, isAnnotationRow, isTypedHeader } from './annotated-csv.js'
import { parseCsvStream, CsvSyntaxError, type CsvRecord } from './csv-parser.js'
import { CsvTableBuilder, CsvHeaderError, formatCsvRow } from './csv-table.js'
import { ndjsonToPoint } from './ndjson.js'
import { InputError, type InputSource } from './source.js'
import { splitLines } from './text-lines.js'
import { LineSplitter, LineTooLongError, type LineBlock } from '../../line-protocol/line-splitter.js'
import { InvalidUtf8Error } from '../../line-protocol/utf8.js'
import { ValueError, type FieldValueType } from './values.js'
import type { Rejection } from '../rejections.js'
import type { WritePrecision } from '../../line-protocol/precision.js'
import { setOwn } from '../../own-keys.js'

export type InputFormat = 'lp' | 'csv' | 'ndjson'

export const INPUT_FORMATS: readonly InputFormat[] = ['lp', 'csv', 'ndjson']

/** Records for one `BatchWriter.write()` call, and how many points they are. */
export interface InputBatch {
  records: unknown
  options?: BatchWriteOptions
  points: number
}

/** What the CSV and NDJSON readers need from the command line. */
export interface ReaderConfig {
  measurement?: string
  tagColumns: readonly string[]
  timestampColumn?: string
  timezone?: string
  fieldTypes: ReadonlyMap<string, FieldValueType>
  /** Rows per table handed to the writer. */
  rowsPerBatch: number
  /** The write precision: integer times are range-checked in its units. */
  precision?: WritePrecision
  /** `--header`: annotation or header rows read before each CSV input, which then is annotated CSV. */
  csvHeader?: readonly string[]
}

export type RejectFn = (rejection: Rejection) => Promise<void>

/** The format for a source: `--format` when given, else by extension (before a `.gz`), else line protocol. */
export function detectFormat(name: string, explicit: InputFormat | undefined): InputFormat {
  if (explicit !== undefined) return explicit
  const lower = name.toLowerCase().replace(/\.gz$/, '')
  if (lower.endsWith('.csv')) return 'csv'
  if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl')) return 'ndjson'
  return 'lp'
}

export function readInput(
  format: InputFormat,
  source: InputSource,
  config: ReaderConfig,
  reject: RejectFn,
): AsyncGenerator<InputBatch> {
  switch (format) {
    case 'lp':
      return readLineProtocol(source)
    case 'csv':
      return readCsv(source, config, reject)
    case 'ndjson':
      return readNdjson(source, config, reject)
  }
}

/**
 * Line protocol passes through as the bytes it was read as: the splitter only finds where lines
 * end, drops blank lines and `#` comments, and checks UTF-8. Spaces and tabs before a line are
 * dropped: the server ignores them too, but quotes a refused line back without them, and a line
 * sent with them could not be matched to its refusal.
 */
async function* readLineProtocol(source: InputSource): AsyncGenerator<InputBatch> {
  const splitter = new LineSplitter({ trimIndent: true })
  try {
    for await (const chunk of source.bytes()) {
      const blocks = splitter.push(chunk)
      if (blocks.length > 0) yield lineBlocks(blocks)
    }
    const blocks = splitter.end()
    if (blocks.length > 0) yield lineBlocks(blocks)
  } catch (error) {
    if (error instanceof InvalidUtf8Error) throw source.invalidUtf8(error.offset, error.truncated)
    if (error instanceof LineTooLongError) throw new InputError(`cannot read ${source.name}: ${error.message}`)
    throw error
  }
}

/** Blocks as one write: an array, which the writer takes whole or not at all (see writeBatch). */
function lineBlocks(blocks: LineBlock[]): InputBatch {
  let points = 0
  for (const block of blocks) points += block.lineCount
  return { records: blocks, points }
}

function firstNonSpace(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return i
  }
  return -1
}

/**
 * CSV: annotated CSV (as `influx write` reads it) when the input starts with an annotation row, when
 * its header types its columns (`m|measurement`) and no --measurement is given, or with --header;
 * else plain CSV with a header row, typed by the command's flags.
 */
async function* readCsv(source: InputSource, config: ReaderConfig, reject: RejectFn): AsyncGenerator<InputBatch> {
  let builder: CsvTableBuilder | undefined
  let annotated: AnnotatedCsvReader | undefined
  let lines: string[] = []
  const addAnnotated = async (reader: AnnotatedCsvReader, record: CsvRecord, where: string): Promise<void> => {
    try {
      const line = reader.add(record.fields)
      if (line !== undefined) lines.push(line)
    } catch (error) {
      if (error instanceof AnnotationError) throw new AnnotationError(`line ${record.line}: ${error.message}`)
      if (!(error instanceof ValueError)) throw error
      await reject({ where: `${where}:${record.line}`, text: formatCsvRow(record.fields), reason: error.message })
    }
  }
  try {
    if (config.csvHeader !== undefined && config.csvHeader.length > 0) {
      annotated = startAnnotated(source, config)
      for await (const records of parseCsvStream(single(`${config.csvHeader.join('\n')}\n`))) {
        for (const record of records) await addAnnotated(annotated, record, '--header')
      }
    }
    for await (const records of parseCsvStream(source.text())) {
      for (const record of records) {
        if (annotated !== undefined) {
          await addAnnotated(annotated, record, source.name)
          if (lines.length >= config.rowsPerBatch) {
            yield { records: lines, points: lines.length }
            lines = []
          }
          continue
        }
        if (builder === undefined) {
          if (isAnnotationRow(record.fields) || (config.measurement === undefined && isTypedHeader(record.fields))) {
            annotated = startAnnotated(source, config)
            await addAnnotated(annotated, record, source.name)
            continue
          }
          if (config.measurement === undefined) {
            throw new InputError(
              `${source.name}: CSV needs --measurement (-m), the measurement of every row, or annotations (#datatype measurement,… or #constant measurement,<name>)`,
            )
          }
          builder = new CsvTableBuilder(record.fields, config)
          continue
        }
        const refused = builder.add(record)
        if (refused !== undefined)
          await reject({ where: `${source.name}:${refused.line}`, text: refused.text, reason: refused.reason })
        else if (builder.rows >= config.rowsPerBatch)
          yield { points: builder.rows, records: builder.take(), options: plainCsvOptions(config) }
      }
      if (lines.length > 0) {
        yield { records: lines, points: lines.length }
        lines = []
      }
    }
  } catch (error) {
    if (error instanceof CsvSyntaxError || error instanceof CsvHeaderError || error instanceof AnnotationError)
      throw new InputError(`${source.name}: ${error.message}`)
    throw error
  }
  if (builder !== undefined && builder.rows > 0)
    yield { points: builder.rows, records: builder.take(), options: plainCsvOptions(config) }
}

const plainOptionsOf = new WeakMap<ReaderConfig, BatchWriteOptions>()

/** How the writer reads the tables of plain CSV. */
function plainCsvOptions(config: ReaderConfig): BatchWriteOptions {
  let options = plainOptionsOf.get(config)
  if (options === undefined) {
    options = {
      dataFrameMeasurementName: config.measurement as string,
      dataFrameTagColumns: config.tagColumns,
      ...(config.timestampColumn === undefined ? {} : { dataFrameTimestampColumn: config.timestampColumn }),
      ...(config.timezone === undefined ? {} : { dataFrameTimestampTimezone: config.timezone }),
      fieldTypes: integerFieldTypes(config.fieldTypes),
      chunkSize: config.rowsPerBatch,
    }
    plainOptionsOf.set(config, options)
  }
  return options
}

function single(text: string): AsyncIterable<string> {
  return Readable.from([text], { objectMode: true }) as AsyncIterable<string>
}

/** The annotated-CSV reader for a source; the flags of plain CSV do not apply to it. */
function startAnnotated(source: InputSource, config: ReaderConfig): AnnotatedCsvReader {
  const flags = [
    config.measurement === undefined ? undefined : '--measurement',
    config.tagColumns.length === 0 ? undefined : '--tag-columns',
    config.timestampColumn === undefined ? undefined : '--timestamp-column',
    config.timezone === undefined ? undefined : '--timezone',
    config.fieldTypes.size === 0 ? undefined : '--field-types',
  ].filter((f) => f !== undefined)
  if (flags.length > 0) {
    throw new InputError(
      `${source.name} is annotated CSV, where ${flags.join(', ')} do not apply: say it with annotations (#constant measurement,<name>, #datatype tag / dateTime:<format> / long, #timezone)`,
    )
  }
  return new AnnotatedCsvReader(config.precision ?? 'ns')
}

async function* readNdjson(source: InputSource, config: ReaderConfig, reject: RejectFn): AsyncGenerator<InputBatch> {
  const options = {
    ...(config.measurement === undefined ? {} : { measurement: config.measurement }),
    tagKeys: config.tagColumns,
    timeKey: config.timestampColumn ?? 'time',
    fieldTypes: config.fieldTypes,
    ...(config.precision === undefined ? {} : { precision: config.precision }),
  }
  // Each line arrives as a Point with its field types already set.
  const writeOptions: BatchWriteOptions = {}
  for await (const batch of splitLines(source.text())) {
    const records = []
    for (const { text, line } of batch) {
      if (firstNonSpace(text) === -1) continue
      try {
        records.push(ndjsonToPoint(text, options))
      } catch (error) {
        if (!(error instanceof ValueError)) throw error
        await reject({ where: `${source.name}:${line}`, text, reason: error.message })
      }
    }
    if (records.length > 0) yield { records, points: records.length, options: writeOptions }
  }
}

function integerFieldTypes(types: ReadonlyMap<string, FieldValueType>): Record<string, 'int' | 'uint'> {
  const out: Record<string, 'int' | 'uint'> = {}
  for (const [name, type] of types) if (type === 'int' || type === 'uint') setOwn(out, name, type)
  return out
}
