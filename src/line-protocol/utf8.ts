/**
 * UTF-8 checks on bytes that are passed on as they are: line protocol read from a file or given
 * as a `Uint8Array` is sent without being decoded, so it is checked here instead, and a bad
 * sequence is named by its byte offset.
 */
import { builtinModule } from '../builtin-module.js'

/** Invalid UTF-8 in line-protocol bytes, at {@link offset} of the bytes given (or of the stream). */
export class InvalidUtf8Error extends TypeError {
  override name = 'InvalidUtf8Error'
  constructor(
    /** Where the first invalid sequence starts. */
    readonly offset: number,
    /** The bytes end inside a character: everything before it is valid. */
    readonly truncated: boolean,
  ) {
    super(`invalid UTF-8 at byte offset ${offset}${truncated ? ' (the input ends inside a character)' : ''}`)
  }
}

type Utf8Validator = (bytes: Uint8Array) => boolean
// Node's and Bun's validator (simdutf) checks a megabyte in well under a millisecond; other
// runtimes decode with a fatal TextDecoder, which allocates the text only to drop it.
const nativeIsUtf8 = builtinModule<{ isUtf8?: Utf8Validator }>('node:buffer')?.isUtf8
const fatalDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** Whether `bytes` are UTF-8 throughout (a character cut off at the end is not). */
export function isUtf8(bytes: Uint8Array): boolean {
  if (nativeIsUtf8 !== undefined) return nativeIsUtf8(bytes)
  try {
    fatalDecoder.decode(bytes)
    return true
  } catch {
    return false
  }
}

/**
 * Index of the first byte of the first sequence that is not UTF-8 (an incomplete sequence at the
 * end counts as invalid), or `bytes.length` when there is none.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  return findInvalidUtf8(bytes).at
}

/**
 * Where the first invalid sequence of `bytes` starts (`bytes.length` when none), and whether it
 * is only cut off by the end of the bytes.
 */
export function findInvalidUtf8(bytes: Uint8Array): { at: number; truncated: boolean } {
  let i = 0
  while (i < bytes.length) {
    const lead = bytes[i]
    if (lead < 0x80) {
      i++
      continue
    }
    let length: number
    if (lead >= 0xc2 && lead <= 0xdf) length = 2
    else if (lead >= 0xe0 && lead <= 0xef) length = 3
    else if (lead >= 0xf0 && lead <= 0xf4) length = 4
    else return { at: i, truncated: false }
    // The second byte's range excludes overlong forms, surrogates and code points above U+10FFFF.
    const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80
    const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf
    for (let k = 1; k < length; k++) {
      const byte = bytes[i + k] as number | undefined
      if (byte === undefined) return { at: i, truncated: true }
      if (k === 1 ? byte < low || byte > high : (byte & 0xc0) !== 0x80) return { at: i, truncated: false }
    }
    i += length
  }
  return { at: bytes.length, truncated: false }
}
