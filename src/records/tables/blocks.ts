import type { CellBlock, RowBlock } from './model.js'

/** Splits `rowCount` rows into `[start, length]` runs of at most `maxRows` rows. */
export function* blockRanges(rowCount: number, maxRows: number, firstRow = 0): Generator<[number, number]> {
  for (let start = 0; start < rowCount; start += maxRows) {
    yield [firstRow + start, Math.min(maxRows, rowCount - start)]
  }
}

/**
 * Row blocks of at most `maxRows` rows, read `windowRows` rows at a time: for libraries where
 * fetching cells has a high fixed cost per call (nodejs-polars' `slice` + `toArray` cross into
 * native code), each column is fetched once per window and its blocks are views into that.
 */
export function* windowedBlocks(
  rowCount: number,
  maxRows: number,
  windowRows: number,
  readWindow: (column: number, start: number, length: number) => CellBlock,
): Generator<RowBlock> {
  for (const [windowStart, windowLength] of blockRanges(rowCount, Math.max(windowRows, maxRows))) {
    const cache = new Map<number, CellBlock>()
    const windowCells = (column: number): CellBlock => {
      let cells = cache.get(column)
      if (cells === undefined) {
        cells = readWindow(column, windowStart, windowLength)
        cache.set(column, cells)
      }
      return cells
    }
    for (const [start, length] of blockRanges(windowLength, maxRows, windowStart)) {
      yield { start, length, cells: (column) => shiftCells(windowCells(column), start - windowStart) }
    }
  }
}

/** The same cells, starting `rows` rows further. */
function shiftCells(cells: CellBlock, rows: number): CellBlock {
  if (cells.kind === 'null' || rows === 0) return cells
  const valid = cells.valid
  return {
    ...cells,
    offset: cells.offset + rows,
    valid: valid === undefined ? undefined : (i: number) => valid(i + rows),
  }
}
