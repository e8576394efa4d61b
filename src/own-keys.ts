/**
 * Reading and writing objects by keys that users choose: tag, field and column names, option
 * keys. Any text is a legal InfluxDB key, `constructor`, `toString`, `valueOf` and `__proto__`
 * included, so a plain `object[key]` would find Object.prototype's members for keys the object
 * does not have, and `object[key] = value` with `__proto__` would set the prototype instead.
 */

/** `object[key]` when it is the object's own property, else `undefined`. */
export function ownValue<T>(object: Readonly<Record<string, T>> | null | undefined, key: string): T | undefined {
  return object != null && Object.hasOwn(object, key) ? object[key] : undefined
}

/**
 * A member of a record: its own property, or one of its class (a getter or a method), but never
 * one that every object inherits from Object.prototype, nor the `constructor` link every class
 * prototype has.
 */
export function memberValue(record: object, key: string): unknown {
  if (Object.hasOwn(record, key)) return (record as Record<string, unknown>)[key]
  if (key === 'constructor') return undefined
  for (
    let holder = Object.getPrototypeOf(record) as object | null;
    holder !== null && holder !== Object.prototype;
    holder = Object.getPrototypeOf(holder) as object | null
  ) {
    if (Object.hasOwn(holder, key)) return Reflect.get(holder, key, record)
  }
  return undefined
}

/** Sets `key` as an own enumerable property, even when it is `__proto__`. */
export function setOwn<T>(object: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__')
    Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true })
  else object[key] = value
}
