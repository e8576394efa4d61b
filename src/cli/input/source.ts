/**
 * Input sources for `write`: files or stdin, read as UTF-8 text chunk by chunk (never whole),
 * with a byte count for the progress bar. A file whose name ends in `.gz` is decompressed as it
 * is read.
 */
import { createReadStream, type ReadStream } from 'node:fs'
import { createGunzip } from 'node:zlib'
import { stat } from 'node:fs/promises'
import { StringDecoder } from 'node:string_decoder'

/** One input, named as the user named it (`-` is stdin). */
export interface InputSource {
  /** `-` for stdin, else the path as given. */
  readonly name: string
  /** Size in bytes for a regular file (compressed size for `.gz`); undefined for stdin and pipes. */
  readonly size: number | undefined
  /** Bytes consumed so far. */
  readonly bytesRead: number
  /** The text, decoded as UTF-8 and split wherever the underlying reads end. */
  text(): AsyncIterable<string>
}

/** A file that cannot be read; the message names it and the reason. */
export class InputError extends Error {
  override name = 'InputError'
}

const READ_CHUNK = 256 * 1024

/** Opens a file (or stdin for `-`). Fails early, with a clear message, when the file cannot be read. */
export async function openSource(name: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<InputSource> {
  if (name === '-') return new StreamSource(name, undefined, stdin)
  let size: number | undefined
  try {
    const info = await stat(name)
    if (info.isDirectory()) throw new InputError(`cannot read ${name}: it is a directory`)
    size = info.isFile() ? info.size : undefined
  } catch (error) {
    if (error instanceof InputError) throw error
    throw new InputError(`cannot read ${name}: ${describeFsError(error)}`)
  }
  const file = createReadStream(name, { highWaterMark: READ_CHUNK })
  // Opening is asynchronous: surface a permission error here, not half-way through the run.
  await new Promise<void>((resolve, reject) => {
    file.once('open', () => resolve())
    file.once('error', (error) => reject(new InputError(`cannot read ${name}: ${describeFsError(error)}`)))
  })
  if (!name.toLowerCase().endsWith('.gz')) return new StreamSource(name, size, file, file)
  const gunzip = createGunzip()
  file.once('error', (error) => gunzip.destroy(error))
  return new StreamSource(name, size, file.pipe(gunzip), file)
}

class StreamSource implements InputSource {
  private counted = 0
  /**
   * @param stream the bytes to decode
   * @param file the file underneath, whose position is the progress (compressed bytes for .gz)
   */
  constructor(
    readonly name: string,
    readonly size: number | undefined,
    private readonly stream: NodeJS.ReadableStream,
    private readonly file?: ReadStream,
  ) {}

  get bytesRead(): number {
    return this.file?.bytesRead ?? this.counted
  }

  async *text(): AsyncIterable<string> {
    const decoder = new StringDecoder('utf8')
    let first = true
    try {
      for await (const chunk of this.stream) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)
        this.counted += bytes.length
        let text = decoder.write(bytes)
        if (first && text.length > 0) {
          first = false
          if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
        }
        if (text.length > 0) yield text
      }
    } catch (error) {
      throw new InputError(`cannot read ${this.name}: ${describeFsError(error)}`)
    }
    const rest = decoder.end()
    if (rest.length > 0) yield rest
  }
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  switch (code) {
    case 'ENOENT':
      return 'no such file'
    case 'EACCES':
    case 'EPERM':
      return 'permission denied'
    case 'EISDIR':
      return 'it is a directory'
    default:
      return error instanceof Error ? error.message : String(error)
  }
}

/** One line of text and its 1-based line number in its source. */
export interface TextLine {
  text: string
  line: number
}

/** A line longer than this is refused instead of being buffered without bound. */
export const MAX_LINE_CHARS = 64 * 1024 * 1024

/**
 * Splits text chunks into lines (LF or CRLF), yielding them in batches (one per chunk) so that a
 * large file does not cost one promise per line. Only a partial last line is carried over.
 */
export async function* splitLines(chunks: AsyncIterable<string>): AsyncGenerator<TextLine[]> {
  let carry = ''
  let lineNumber = 0
  for await (const chunk of chunks) {
    const batch: TextLine[] = []
    let start = 0
    let text = carry + chunk
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      const end = nl > start && text.charCodeAt(nl - 1) === 0x0d ? nl - 1 : nl
      batch.push({ text: text.slice(start, end), line: ++lineNumber })
      start = nl + 1
    }
    carry = text.slice(start)
    text = ''
    if (carry.length > MAX_LINE_CHARS) throw new InputError(`line ${lineNumber + 1} is longer than ${MAX_LINE_CHARS} characters`)
    if (batch.length > 0) yield batch
  }
  if (carry.length > 0) {
    const end = carry.endsWith('\r') ? carry.length - 1 : carry.length
    yield [{ text: carry.slice(0, end), line: ++lineNumber }]
  }
}
