// Append-only vectors stored in chunks: growing never copies what is already stored, and at
// most one partly filled chunk per vector is wasted. This is what lets the test server keep
// ten million points in a few hundred megabytes.

/** The part of a typed array (or a plain array) that a chunk needs. */
export interface Slab<V> {
  readonly length: number
  [index: number]: V
}

const FIRST_CHUNK = 32
const LAST_CHUNK = 16_384
// Chunks double from FIRST_CHUNK to LAST_CHUNK (10 chunks), then stay at LAST_CHUNK.
const GROWING_CHUNKS = 10
const GROWING_CAPACITY = FIRST_CHUNK * (2 ** GROWING_CHUNKS - 1)

/** An append-only vector of `V` held in chunks made by `allocate`. */
export class ChunkedVector<V> {
  readonly #chunks: Slab<V>[] = []
  #current: Slab<V> | undefined
  #fill = 0
  /** The number of values pushed. */
  length = 0

  readonly #allocate: (size: number) => Slab<V>

  constructor(allocate: (size: number) => Slab<V>) {
    this.#allocate = allocate
  }

  push(value: V): void {
    let chunk = this.#current
    if (chunk === undefined || this.#fill === chunk.length) {
      const index = this.#chunks.length
      chunk = this.#allocate(index < GROWING_CHUNKS ? FIRST_CHUNK * 2 ** index : LAST_CHUNK)
      this.#chunks.push(chunk)
      this.#current = chunk
      this.#fill = 0
    }
    chunk[this.#fill++] = value
    this.length++
  }

  get(index: number): V {
    let chunk: number
    let offset: number
    if (index < GROWING_CAPACITY) {
      chunk = 31 - Math.clz32(Math.floor(index / FIRST_CHUNK) + 1)
      offset = index - FIRST_CHUNK * (2 ** chunk - 1)
    } else {
      const rest = index - GROWING_CAPACITY
      chunk = GROWING_CHUNKS + Math.floor(rest / LAST_CHUNK)
      offset = rest % LAST_CHUNK
    }
    return this.#chunks[chunk][offset]
  }

  /** Calls `visit` for every value in order. */
  forEach(visit: (value: V, index: number) => void): void {
    let index = 0
    for (const chunk of this.#chunks) {
      const end = Math.min(chunk.length, this.length - index)
      for (let i = 0; i < end; i++) visit(chunk[i], index++)
    }
  }
}

/** A vector of float64 values. */
export const float64Vector = (): ChunkedVector<number> => new ChunkedVector((n) => new Float64Array(n))
/** A vector of int64 values. */
export const int64Vector = (): ChunkedVector<bigint> => new ChunkedVector((n) => new BigInt64Array(n))
/** A vector of uint64 values. */
export const uint64Vector = (): ChunkedVector<bigint> => new ChunkedVector((n) => new BigUint64Array(n))
/** A vector of bytes (booleans and presence flags). */
export const byteVector = (): ChunkedVector<number> => new ChunkedVector((n) => new Uint8Array(n))
/** A vector of strings. */
export const stringVector = (): ChunkedVector<string> => new ChunkedVector((n) => new Array<string>(n).fill(''))
