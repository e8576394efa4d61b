/**
 * gzip for request bodies and gunzip for response bodies. Node's zlib (asynchronous, off the
 * main thread) where it exists, the web CompressionStream elsewhere.
 */

type Zlib = typeof import('node:zlib')
let zlibModule: Promise<Zlib | undefined> | undefined

function loadZlib(): Promise<Zlib | undefined> {
  zlibModule ??= import('node:zlib').then(usableZlib, () => undefined)
  return zlibModule
}

/**
 * The module when it is a real zlib, else undefined: a browser bundler (Vite) may resolve
 * `node:zlib` to an empty stand-in, which must send gzip to CompressionStream, not fail every write.
 */
export function usableZlib(module: unknown): Zlib | undefined {
  const candidate = module as Partial<Zlib> | null | undefined
  return typeof candidate?.gzip === 'function' && typeof candidate.gunzip === 'function' ? (candidate as Zlib) : undefined
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

/** Decompresses a gzip body. */
export async function gunzipBody(bytes: Uint8Array): Promise<Uint8Array> {
  const zlib = await loadZlib()
  if (zlib === undefined) return throughStream(bytes, new DecompressionStream('gzip'))
  return new Promise((resolve, reject) => {
    zlib.gunzip(bytes, (error, result) => (error === null ? resolve(result) : reject(error)))
  })
}
