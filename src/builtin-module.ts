/**
 * The platform's built-in modules (`node:http`, `node:zlib`, `node:fs`, …), reached the cheapest
 * way the runtime offers.
 *
 * `process.getBuiltinModule` (Node 20.16 and 22.3 on, Bun, Deno) hands over the module object as
 * it is. `import('node:http')` instead builds an ES module namespace, which reads every export of
 * the module; one of node:http's exports loads Node's whole fetch implementation, a cost that a
 * client would pay before its first request and the CLI on every start.
 */

type GetBuiltinModule = (id: string) => unknown

/** The module `id` when `process.getBuiltinModule` gives it; undefined where that function is missing or has no such module. */
export function builtinModule<T>(id: string): T | undefined {
  const runtime = (globalThis as { process?: { getBuiltinModule?: GetBuiltinModule } }).process
  if (typeof runtime?.getBuiltinModule !== 'function') return undefined
  try {
    return (runtime.getBuiltinModule(id) ?? undefined) as T | undefined
  } catch {
    return undefined
  }
}

/**
 * The module `id` through {@link builtinModule}, else through `importIt`. Callers pass a literal
 * `import('node:…')`, which bundlers can see and stub for the browser.
 */
export function loadBuiltinModule<T>(id: string, importIt: () => Promise<T>): Promise<T> {
  const module = builtinModule<T>(id)
  return module !== undefined ? Promise.resolve(module) : importIt()
}
