/**
 * Looks into arrays and Sets, which can be read without consuming anything, for a value that
 * changes how a write must go (an async iterable, a table); and tells sync from async iterables.
 * Generators and other iterables are not looked into: that would consume them.
 */
import { Point } from '../line-protocol/point.js'

/**
 * True when `record`, or a value inside its arrays and Sets at any depth, passes `test`. Walked
 * with a stack of its own, so depth costs no call stack. A value that throws while it is looked at
 * (a Proxy's trap, a getter) does not pass: the walk that writes it reports its error, with its position.
 */
export function someNested(record: unknown, test: (value: object) => boolean): boolean {
  if (typeof record !== 'object' || record === null) return false
  if (!isContainer(record)) return passes(record, test)
  // Each array and Set is looked into once: one that holds itself, or the same one many times,
  // would otherwise be walked without end or over and over.
  const seen = new Set<object>([record])
  const pending: Array<readonly unknown[]> = [itemsOf(record)]
  const positions: number[] = [0]
  while (pending.length > 0) {
    const top = pending.length - 1
    const items = pending[top]
    const at = positions[top]
    if (at >= items.length) {
      pending.pop()
      positions.pop()
      continue
    }
    positions[top] = at + 1
    const item = itemAt(items, at)
    // Points are most of what a page holds, and are neither: skip their property lookups.
    if (typeof item !== 'object' || item === null || isPoint(item)) continue
    if (!isContainer(item)) {
      if (passes(item, test)) return true
    } else if (!seen.has(item)) {
      seen.add(item)
      pending.push(itemsOf(item))
      positions.push(0)
    }
  }
  return false
}

/** `items[at]`, or undefined when reading it throws (an array Proxy's trap): the walk that writes it reports that. */
function itemAt(items: readonly unknown[], at: number): unknown {
  try {
    return items[at]
  } catch {
    return undefined
  }
}

/** `value instanceof Point`, false when asking throws (a Proxy whose getPrototypeOf trap throws). */
export function isPoint(value: unknown): value is Point {
  try {
    return value instanceof Point
  } catch {
    return false
  }
}

function isContainer(value: object): value is readonly unknown[] | ReadonlySet<unknown> {
  try {
    return Array.isArray(value) || value instanceof Set
  } catch {
    return false
  }
}

function itemsOf(container: readonly unknown[] | ReadonlySet<unknown>): readonly unknown[] {
  return Array.isArray(container) ? container : [...container]
}

function passes(value: object, test: (value: object) => boolean): boolean {
  try {
    return test(value)
  } catch {
    return false
  }
}

/** True for an object with a `Symbol.iterator` method. */
export function isSyncIterable(value: object): value is Iterable<unknown> {
  return typeof (value as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function'
}

/**
 * True when `record` is an async iterable, or an array or Set holding one at any depth:
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
