import type { WritePrecision } from '../../line-protocol/precision.js'
import type { RecordOptions, TableOptions } from '../../write/write-options.js'

/**
 * What a table needs from the write call. Structurally the same as `SerializeContext`
 * in `src/records/serialize.ts` (design.md §6.3); typed here so that this module does not
 * depend on the serializer that depends on it.
 */
export interface TableContext extends RecordOptions, TableOptions {
  /** The call's write precision: timestamps are emitted in this unit. */
  precision: WritePrecision
  /** Resolved default tags; a table column of the same name wins. */
  defaultTags: Readonly<Record<string, string>>
}
