/**
 * Looks into arrays and Sets, which can be read without consuming anything, for a value that
 * changes how a write must go (an async iterable, a table); and tells sync from async iterables. Generators and other iterables are
 * not looked into: that would consume them.
 */
import { Point } from '../line-protocol/point.js'

/** True when `record`, or a value inside its arrays and Sets to any depth up to 32, passes `test`. */
export function someNested(record: unknown, test: (value: object) => boolean): boolean {
  return visit(record, test, undefined, 0)
}

// `seen` keeps each array and Set to one visit: an array that holds itself twice would otherwise
// be walked 2^32 times before the depth limit ended it.
function visit(record: unknown, test: (value: object) => boolean, seen: Set<object> | undefined, depth: number): boolean {
  if (typeof record !== 'object' || record === null || depth > 32) return false
  if (!Array.isArray(record) && !(record instanceof Set)) return test(record)
  if (seen?.has(record) === true) return false
  seen ??= new Set()
  seen.add(record)
  for (const item of record) {
    // Points are most of what a page holds, and are neither: skip their property lookups.
    if (item instanceof Point) continue
    if (visit(item, test, seen, depth + 1)) return true
  }
  return false
}

/** True for an object with a `Symbol.iterator` method. */
export function isSyncIterable(value: object): value is Iterable<unknown> {
  return typeof (value as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function'
}

/**
 * True when `record` is an async iterable, or an array or Set holding one to any depth up to 32:
 * what can be looked into without consuming anything. An async iterable that a generator
 * yields is met only while serialising, where the sync serialiser refuses it with a clear error.
 */
export function holdsAsyncIterable(record: unknown): boolean {
  return someNested(record, isAsyncIterable)
}

/** True for an object that is async-iterable and not also sync-iterable (the sync side wins). */
export function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function' &&
    !isSyncIterable(value)
  )
}
