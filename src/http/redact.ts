/**
 * Removes credentials from every text that leaves the client: a server may echo a token or a
 * password raw, JSON-escaped (`q8Zt\/Xk3`, `\u002f`), percent-encoded, as an HTML entity or as
 * base64 (the Basic credentials of `user:password`), and a message is read only after the body
 * was decoded. So each secret is matched in any mix of those encodings, and the error that is
 * finally thrown is scrubbed once more, after every decoding step.
 */
import { RequestAbortedError } from '../errors.js'
import { base64 } from './auth.js'

/** What a secret is replaced with. */
export const REDACTED = '***'

/** Shorter strings are not treated as secrets: replacing them would mangle ordinary text. */
const MIN_SECRET_LENGTH = 3

/** How deep {@link Redactor.scrub} follows nested objects, arrays and causes. */
const MAX_SCRUB_DEPTH = 8

/** A set of secrets, and the text and errors they are removed from. */
export class Redactor {
  readonly #secrets = new Set<string>()
  #pattern: RegExp | undefined

  constructor(secrets: Iterable<string | undefined> = []) {
    for (const secret of secrets) this.add(secret)
  }

  /** Adds a secret, with its base64 forms (standard, URL-safe, unpadded). */
  add(secret: string | undefined): void {
    if (secret === undefined || secret.length < MIN_SECRET_LENGTH) return
    const sizeBefore = this.#secrets.size
    for (const form of [secret, ...base64Forms(secret)]) this.#secrets.add(form)
    if (this.#secrets.size === sizeBefore) return
    // Longest first, so that a secret that contains another is replaced whole.
    const sources = [...this.#secrets].sort((a, b) => b.length - a.length).map(encodedPattern)
    this.#pattern = new RegExp(sources.join('|'), 'g')
  }

  /** `text` with every secret, in any encoding, replaced by `***`. */
  text(text: string): string {
    if (this.#pattern === undefined) return text
    this.#pattern.lastIndex = 0
    return this.#pattern.test(text) ? text.replace(this.#pattern, REDACTED) : text
  }

  /**
   * Redacts, in place, an error's message, stack and every string it holds (`body`, `headers`,
   * `rejectedLines`, nested details), and its causes. A caller's own
   * abort reason, the cause of a {@link RequestAbortedError}, is left as the caller made it.
   */
  scrub<T>(error: T): T {
    this.#scrubValue(error, 0, new Set())
    return error
  }

  #scrubValue(value: unknown, depth: number, seen: Set<object>): unknown {
    if (typeof value === 'string') return this.text(value)
    if (typeof value !== 'object' || value === null || depth > MAX_SCRUB_DEPTH || seen.has(value)) return value
    if (Object.isFrozen(value) || ArrayBuffer.isView(value)) return value
    seen.add(value)
    if (value instanceof Error) {
      this.#replace(value, 'message', depth, seen)
      this.#replace(value, 'stack', depth, seen)
      if (!(value instanceof RequestAbortedError)) this.#replace(value, 'cause', depth, seen)
    }
    for (const key of Object.keys(value)) this.#replace(value, key, depth, seen)
    return value
  }

  #replace(target: object, key: string, depth: number, seen: Set<object>): void {
    const descriptor = Object.getOwnPropertyDescriptor(target, key)
    if (descriptor === undefined || !('value' in descriptor) || descriptor.writable !== true) return
    const scrubbed = this.#scrubValue(descriptor.value, depth + 1, seen)
    if (scrubbed !== descriptor.value) Object.defineProperty(target, key, { ...descriptor, value: scrubbed })
  }
}

function base64Forms(secret: string): string[] {
  const standard = base64(secret)
  const unpadded = standard.replace(/=+$/, '')
  return [standard, unpadded, unpadded.replace(/\+/g, '-').replace(/\//g, '_')]
}

/** A regular expression source matching `secret` with each character raw or in any of the encodings a server may echo it in. */
function encodedPattern(secret: string): string {
  let source = ''
  for (const char of secret) source += `(?:${charForms(char).join('|')})`
  return source
}

const JSON_SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\\\',
  '/': '/',
  '\b': 'b',
  '\f': 'f',
  '\n': 'n',
  '\r': 'r',
  '\t': 't',
}
const HTML_NAMED: Readonly<Record<string, string>> = { '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }

function charForms(char: string): string[] {
  const forms = [escapeRegExp(char)]
  const shortEscape = JSON_SHORT_ESCAPES[char]
  if (shortEscape !== undefined) forms.push(`\\\\${shortEscape}`)
  // JSON and JavaScript `\uXXXX` (a character outside the BMP is two of them), Go's `\xXX`.
  forms.push([...char].map((_, i) => `\\\\u${hexPattern(char.charCodeAt(i), 4)}`).join(''))
  if (char.length === 1 && char.charCodeAt(0) < 0x100) forms.push(`\\\\x${hexPattern(char.charCodeAt(0), 2)}`)
  // Percent-encoding of each UTF-8 byte; `+` for a space in form encoding.
  forms.push([...new TextEncoder().encode(char)].map((byte) => `%${hexPattern(byte, 2)}`).join(''))
  if (char === ' ') forms.push('\\+')
  // HTML character references.
  const codePoint = char.codePointAt(0)!
  forms.push(`&#0*${codePoint};`, `&#[xX]0*${hexPattern(codePoint, 1)};`)
  const named = HTML_NAMED[char]
  if (named !== undefined) forms.push(`&${named};`)
  return forms
}

/** A pattern for `value` in hexadecimal with at least `digits` digits, in either case. */
function hexPattern(value: number, digits: number): string {
  return [...value.toString(16).padStart(digits, '0')]
    .map((digit) => (/[a-f]/.test(digit) ? `[${digit}${digit.toUpperCase()}]` : digit))
    .join('')
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')
}
