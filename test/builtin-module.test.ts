import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import * as zlib from 'node:zlib'
import { builtinModule, loadBuiltinModule } from '../src/builtin-module.js'

const INDEX = fileURLToPath(new URL('../src/index.ts', import.meta.url))

/** Runs `body` with `process.getBuiltinModule` replaced by `replacement`. */
async function withGetBuiltinModule<T>(replacement: unknown, body: () => Promise<T> | T): Promise<T> {
  const saved = Object.getOwnPropertyDescriptor(process, 'getBuiltinModule')
  Object.defineProperty(process, 'getBuiltinModule', { value: replacement, configurable: true, writable: true })
  try {
    return await body()
  } finally {
    if (saved === undefined) delete (process as { getBuiltinModule?: unknown }).getBuiltinModule
    else Object.defineProperty(process, 'getBuiltinModule', saved)
  }
}

describe('built-in modules', () => {
  test('builtinModule gives the module object that process.getBuiltinModule gives', () => {
    assert.equal(builtinModule<typeof zlib>('node:zlib')?.gzipSync, zlib.gzipSync)
  })

  test('builtinModule is undefined where getBuiltinModule is missing, has no such module or throws', async () => {
    await withGetBuiltinModule(undefined, () => assert.equal(builtinModule('node:zlib'), undefined))
    assert.equal(builtinModule('node:no-such-module'), undefined)
    await withGetBuiltinModule(
      () => {
        throw new TypeError('not allowed here')
      },
      () => assert.equal(builtinModule('node:zlib'), undefined),
    )
  })

  test('loadBuiltinModule imports the module where getBuiltinModule is missing', async () => {
    let imported = 0
    const module = await withGetBuiltinModule(undefined, () =>
      loadBuiltinModule('node:zlib', () => {
        imported++
        return import('node:zlib')
      }),
    )
    assert.equal(imported, 1)
    assert.equal(module.gzipSync, zlib.gzipSync)
    let importedAgain = 0
    await loadBuiltinModule('node:zlib', () => {
      importedAgain++
      return import('node:zlib')
    })
    assert.equal(importedAgain, 0, 'getBuiltinModule exists here, so nothing is imported')
  })

  test("a write through node:http, gzip included, does not load Node's fetch implementation", () => {
    // In a fresh process: the test runner may have loaded it already. node:http's ES module
    // namespace reads an export that loads undici, tens of milliseconds before the first request.
    // The script takes node:http through getBuiltinModule too: its own import would load undici.
    const script = `
      const { createServer } = process.getBuiltinModule('node:http')
      const { InfluxDBClientAsync } = await import(${JSON.stringify(INDEX)})
      const server = createServer((request, response) => {
        request.resume()
        request.on('end', () => response.writeHead(204).end())
      })
      await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
      const client = new InfluxDBClientAsync({
        url: 'http://127.0.0.1:' + server.address().port,
        token: 't',
        org: 'o',
        enableGzip: true,
      })
      await client.writeApi().write('b', 'o', 'm f=1')
      await client.close()
      server.close()
      process.stdout.write(JSON.stringify(process.moduleLoadList.filter((name) => name.includes('undici'))))
    `
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    })
    assert.deepEqual(JSON.parse(output), [])
  })
})
