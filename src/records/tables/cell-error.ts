/** A cell that cannot be written; `index` is its position in the block. Turned into a `RecordError` naming row and column. */
export class CellError extends Error {
  override name = 'CellError'
  constructor(
    readonly index: number,
    reason: string,
  ) {
    super(reason)
  }
}
