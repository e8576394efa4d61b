// One series (measurement + tag set) stored column by column: a time vector and one typed
// vector per field, with a presence vector only for fields that some row lacks.
import type { ChunkedVector } from './chunked.js'
import { byteVector, float64Vector, int64Vector, stringVector, uint64Vector } from './chunked.js'
import type { ParsedFieldType, FieldValue, ParsedField } from './line-parser.js'

/** One stored row of a series: the time and the fields it has. */
export interface Row {
  time: bigint
  fields: Map<string, FieldValue>
}

type Values =
  | { readonly type: 'float'; readonly data: ChunkedVector<number> }
  | { readonly type: 'integer'; readonly data: ChunkedVector<bigint> }
  | { readonly type: 'unsigned'; readonly data: ChunkedVector<bigint> }
  | { readonly type: 'string'; readonly data: ChunkedVector<string> }
  | { readonly type: 'boolean'; readonly data: ChunkedVector<number> }

class Column {
  readonly values: Values
  // undefined while every row has the field: the common case costs no memory.
  #present: ChunkedVector<number> | undefined
  lastRow = -1

  constructor(type: ParsedFieldType, rowsBefore: number) {
    this.values = newValues(type)
    if (rowsBefore > 0) {
      this.#present = byteVector()
      for (let i = 0; i < rowsBefore; i++) {
        this.#present.push(0)
        pushDefault(this.values)
      }
    }
  }

  push(value: FieldValue, row: number): void {
    const v = this.values
    switch (v.type) {
      case 'float':
        v.data.push(value as number)
        break
      case 'integer':
      case 'unsigned':
        v.data.push(value as bigint)
        break
      case 'string':
        v.data.push(value as string)
        break
      case 'boolean':
        v.data.push(value === true ? 1 : 0)
        break
    }
    this.#present?.push(1)
    this.lastRow = row
  }

  pushAbsent(): void {
    if (this.#present === undefined) {
      this.#present = byteVector()
      for (let i = 0; i < this.values.data.length; i++) this.#present.push(1)
    }
    this.#present.push(0)
    pushDefault(this.values)
  }

  has(row: number): boolean {
    return this.#present === undefined || this.#present.get(row) === 1
  }

  get(row: number): FieldValue {
    const v = this.values
    if (v.type === 'boolean') return v.data.get(row) === 1
    return v.data.get(row)
  }
}

function newValues(type: ParsedFieldType): Values {
  switch (type) {
    case 'float':
      return { type, data: float64Vector() }
    case 'integer':
      return { type, data: int64Vector() }
    case 'unsigned':
      return { type, data: uint64Vector() }
    case 'string':
      return { type, data: stringVector() }
    case 'boolean':
      return { type, data: byteVector() }
  }
}

function pushDefault(values: Values): void {
  switch (values.type) {
    case 'float':
    case 'boolean':
      values.data.push(0)
      break
    case 'integer':
    case 'unsigned':
      values.data.push(0n)
      break
    case 'string':
      values.data.push('')
      break
  }
}

/** The rows of one series. Rows are appended in arrival order and put in time order on demand. */
export class Series {
  #times = int64Vector()
  #columns = new Map<string, Column>()
  #inOrder = true
  #lastTime = 0n

  constructor(
    readonly measurement: string,
    readonly tags: ReadonlyArray<readonly [string, string]>,
    readonly key: string,
  ) {}

  get rowCount(): number {
    return this.#times.length
  }

  /** Appends one row. Fields must already have been checked against the measurement's types. */
  append(time: bigint, fields: readonly ParsedField[]): void {
    const row = this.#times.length
    if (row > 0 && time <= this.#lastTime) this.#inOrder = false
    this.#lastTime = time
    this.#times.push(time)
    for (const field of withoutRepeatedKeys(fields)) {
      let column = this.#columns.get(field.key)
      if (column === undefined) {
        column = new Column(field.type, row)
        this.#columns.set(field.key, column)
      }
      column.push(field.value, row)
    }
    for (const column of this.#columns.values()) if (column.lastRow !== row) column.pushAbsent()
  }

  /** Every row in storage order, without merging duplicates. */
  #rows(): Row[] {
    const rows: Row[] = []
    this.#times.forEach((time, index) => {
      const fields = new Map<string, FieldValue>()
      for (const [key, column] of this.#columns) if (column.has(index)) fields.set(key, column.get(index))
      rows.push({ time, fields })
    })
    return rows
  }

  /**
   * Puts the rows in time order, merging rows with the same time (later values win per field).
   * Works on the columns through a sorted index, so that millions of out-of-order rows do not
   * turn into millions of row objects.
   */
  normalize(): void {
    if (this.#inOrder) return
    const n = this.#times.length
    const times = new BigInt64Array(n)
    this.#times.forEach((time, i) => {
      times[i] = time
    })
    const order = new Uint32Array(n)
    for (let i = 0; i < n; i++) order[i] = i
    order.sort((a, b) => (times[a] < times[b] ? -1 : times[a] > times[b] ? 1 : a - b))
    const old = [...this.#columns]
    this.#times = int64Vector()
    this.#columns = new Map()
    this.#inOrder = true
    for (let start = 0; start < n;) {
      const time = times[order[start]]
      let end = start + 1
      while (end < n && times[order[end]] === time) end++
      const fields: ParsedField[] = []
      for (const [key, column] of old) {
        // The latest row of the run that has the field gives its value.
        for (let k = end - 1; k >= start; k--) {
          const row = order[k]
          if (column.has(row)) {
            fields.push({ key, type: column.values.type, value: column.get(row) })
            break
          }
        }
      }
      if (fields.length > 0) this.append(time, fields)
      start = end
    }
  }

  /** The rows in time order, duplicates merged. */
  orderedRows(): Row[] {
    this.normalize()
    return this.#rows()
  }

  /** The number of rows with `start <= time <= stop` (either bound may be absent); call after normalize(). */
  countBetween(start: bigint | undefined, stop: bigint | undefined): number {
    let count = 0
    this.#times.forEach((time) => {
      if ((start === undefined || time >= start) && (stop === undefined || time <= stop)) count++
    })
    return count
  }

  /** The type of each field column. */
  fieldTypes(): Map<string, ParsedFieldType> {
    return new Map([...this.#columns].map(([key, column]) => [key, column.values.type]))
  }

  /**
   * Removes the `fields` of the rows with `start <= time <= stop`; a row left without fields is
   * removed. Returns false when the series is empty afterwards.
   */
  deleteFields(start: bigint, stop: bigint, fields: ReadonlySet<string>): boolean {
    this.normalize()
    let inRange = false
    this.#times.forEach((time) => {
      if (time >= start && time <= stop) inRange = true
    })
    if (!inRange) return true
    const times = this.#times
    const old = [...this.#columns]
    this.#times = int64Vector()
    this.#columns = new Map()
    times.forEach((time, row) => {
      const doomed = time >= start && time <= stop
      const kept: ParsedField[] = []
      for (const [key, column] of old) {
        if (column.has(row) && !(doomed && fields.has(key)))
          kept.push({ key, type: column.values.type, value: column.get(row) })
      }
      if (kept.length > 0) this.append(time, kept)
    })
    return this.#times.length > 0
  }
}

// A line naming a field twice keeps the last value, as the server's field union does.
function withoutRepeatedKeys(fields: readonly ParsedField[]): readonly ParsedField[] {
  for (let i = 1; i < fields.length; i++) {
    for (let j = 0; j < i; j++) {
      if (fields[i].key === fields[j].key) return [...new Map(fields.map((f) => [f.key, f])).values()]
    }
  }
  return fields
}
