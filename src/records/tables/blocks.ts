/** Splits `rowCount` rows into `[start, length]` runs of at most `maxRows` rows. */
export function* blockRanges(rowCount: number, maxRows: number, firstRow = 0): Generator<[number, number]> {
  for (let start = 0; start < rowCount; start += maxRows) {
    yield [firstRow + start, Math.min(maxRows, rowCount - start)]
  }
}
