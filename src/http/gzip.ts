/**
 * gzip for request bodies and gunzip for response bodies. Node's zlib (asynchronous, off the
 * main thread) where it exists, the web CompressionStream elsewhere.
 */

import { loadBuiltinModule } from '../builtin-module.js'

type Zlib = typeof import('node:zlib')
let zlibModule: Promise<Zlib | undefined> | undefined

function loadZlib(): Promise<Zlib | undefined> {
  zlibModule ??= loadBuiltinModule('node:zlib', () => import('node:zlib')).then(usableZlib, () => undefined)
  return zlibModule
}

/**
 * The module when it is a real zlib, else undefined: a browser bundler (Vite) may resolve
 * `node:zlib` to an empty stand-in, which must send gzip to CompressionStream, not fail every write.
 */
export function usableZlib(module: unknown): Zlib | undefined {
  const candidate = module as Partial<Zlib> | null | undefined
  return typeof candidate?.gzip === 'function' && typeof candidate.gunzip === 'function'
    ? (candidate as Zlib)
    : undefined
}

function toBytes(body: string | Uint8Array): Uint8Array {
  return typeof body === 'string' ? new TextEncoder().encode(body) : body
}

async function throughStream(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const response = new Response(new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(stream))
  return new Uint8Array(await response.arrayBuffer())
}

/** Compresses a body with gzip. */
export async function gzipBody(body: string | Uint8Array): Promise<Uint8Array> {
  const zlib = await loadZlib()
  const bytes = toBytes(body)
  if (zlib === undefined) return throughStream(bytes, new CompressionStream('gzip'))
  return new Promise((resolve, reject) => {
    zlib.gzip(bytes, (error, result) => (error === null ? resolve(result) : reject(error)))
  })
}

/**
 * Decompresses the start of a gzip body: at most `limit` bytes come out, and inflating stops
 * there (a small body may expand to gigabytes). A body cut short yields what it holds; one that
 * is not gzip at all rejects.
 */
export async function gunzipPrefix(bytes: Uint8Array, limit: number): Promise<Uint8Array> {
  const zlib = await loadZlib()
  if (zlib === undefined) {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'))
    return readPrefix(stream, limit, true)
  }
  return new Promise((resolve, reject) => {
    // A sync flush at the end: a truncated body gives what it holds instead of an error.
    const gunzip = zlib.createGunzip({ finishFlush: zlib.constants.Z_SYNC_FLUSH })
    const parts: Uint8Array[] = []
    let length = 0
    const done = (): void => {
      gunzip.destroy()
      resolve(concatBytes(parts, length))
    }
    gunzip.on('data', (part: Uint8Array) => {
      if (length >= limit) return
      const kept = part.length > limit - length ? part.subarray(0, limit - length) : part
      parts.push(kept)
      length += kept.length
      if (length >= limit) done()
    })
    gunzip.on('end', done)
    gunzip.on('error', (error) => (length > 0 ? done() : reject(error)))
    gunzip.end(bytes)
  })
}

/**
 * Reads at most `limit` bytes of `stream`, then cancels it. A stream that fails after some
 * bytes gives those when `partialOnError` is set, else the error.
 */
export async function readPrefix(
  stream: ReadableStream<Uint8Array>,
  limit: number,
  partialOnError = false,
): Promise<Uint8Array> {
  const reader = stream.getReader()
  const parts: Uint8Array[] = []
  let length = 0
  try {
    while (length < limit) {
      const { done, value } = await reader.read()
      if (done) break
      const kept = value.length > limit - length ? value.subarray(0, limit - length) : value
      parts.push(kept)
      length += kept.length
    }
    return concatBytes(parts, length)
  } catch (error) {
    if (partialOnError && length > 0) return concatBytes(parts, length)
    throw error
  } finally {
    reader.cancel().catch(() => undefined)
  }
}

function concatBytes(parts: readonly Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0]
  const out = new Uint8Array(length)
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}
