/**
 * Where refused lines and rows go: the `--errors-file` (each one preceded by a `# where: reason`
 * comment line, so the file can be fixed and fed back to `write`), or, without that flag, a
 * short list on stderr, each refusal with the start of its text under it (a line the server
 * refused has no file and line number, so its text is what identifies it). Either way every
 * refusal is counted and none is lost silently.
 */
import { createWriteStream, type WriteStream } from 'node:fs'
import { once } from 'node:events'

/** One refused input: where it came from, its text, and why. */
export interface Rejection {
  /** `file.csv:12`, or `server` for a line refused by the server. */
  where: string
  text: string
  reason: string
}

/** How many refusals are listed on stderr when there is no errors file. */
const STDERR_LIMIT = 10
/** How much of a refused line is shown on stderr. */
const EXCERPT_CHARS = 80

/** The start of a refused line for stderr, on one line, marked when cut. */
export function excerpt(text: string): string {
  const flat = text.replace(/\r/g, '\\r').replace(/\n/g, '\\n')
  if (flat.length <= EXCERPT_CHARS) return flat
  // Never half of a surrogate pair: it would print as U+FFFD.
  const end = /[\uD800-\uDBFF]/.test(flat[EXCERPT_CHARS - 1]) ? EXCERPT_CHARS - 1 : EXCERPT_CHARS
  return `${flat.slice(0, end)}…`
}

export class RejectionLog {
  #count = 0
  readonly #file: WriteStream | undefined
  readonly #stderr: { write(text: string): unknown }

  private constructor(
    file: WriteStream | undefined,
    stderr: { write(text: string): unknown },
    readonly path: string | undefined,
  ) {
    this.#file = file
    this.#stderr = stderr
  }

  /** Opens (truncates) the errors file, failing early when it cannot be created. */
  static async open(
    path: string | undefined,
    stderr: { write(text: string): unknown } = process.stderr,
  ): Promise<RejectionLog> {
    if (path === undefined) return new RejectionLog(undefined, stderr, undefined)
    const file = createWriteStream(path)
    await new Promise<void>((resolve, reject) => {
      file.once('open', () => resolve())
      file.once('error', (error) => reject(new Error(`cannot write --errors-file ${path}: ${error.message}`)))
    })
    return new RejectionLog(file, stderr, path)
  }

  get rejected(): number {
    return this.#count
  }

  /** Records one refusal; waits when the file's buffer is full, so memory stays bounded. */
  async add(rejection: Rejection): Promise<void> {
    this.#count++
    const reason = rejection.reason.replace(/\r?\n/g, ' ')
    if (this.#file !== undefined) {
      if (!this.#file.write(`# ${rejection.where}: ${reason}\n${rejection.text}\n`)) await once(this.#file, 'drain')
    } else if (this.#count <= STDERR_LIMIT) {
      this.#stderr.write(`rejected ${rejection.where}: ${reason}\n  ${excerpt(rejection.text)}\n`)
    }
  }

  /**
   * Records lines of which the server refused `refused` without saying which (a 2.x 422 says only
   * `dropped=N`). They are kept together under one comment, since any of them may be the one.
   */
  async addGroup(where: string, lines: readonly string[], refused: number, reason: string): Promise<void> {
    const note = `${refused} of the next ${lines.length} line(s) refused, the server did not say which (writing them again is safe)`
    this.#count += refused
    const flat = reason.replace(/\r?\n/g, ' ')
    if (this.#file !== undefined) {
      if (!this.#file.write(`# ${where}: ${note}: ${flat}\n${lines.join('\n')}\n`)) await once(this.#file, 'drain')
    } else if (this.#count - refused < STDERR_LIMIT) {
      const more = lines.length > 1 ? ` (and ${lines.length - 1} more line(s))` : ''
      this.#stderr.write(`rejected ${where}: ${note}: ${flat}\n  ${excerpt(lines[0] ?? '')}${more}\n`)
    }
  }

  /** Flushes and closes the file; says on stderr how many refusals were not listed there. */
  async close(): Promise<void> {
    if (this.#file !== undefined) {
      this.#file.end()
      await once(this.#file, 'close')
    } else if (this.#count > STDERR_LIMIT) {
      this.#stderr.write(`… and ${this.#count - STDERR_LIMIT} more rejected (use --errors-file to keep them all)\n`)
    }
  }
}
