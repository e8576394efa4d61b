/**
 * What `write` does with a batch that the BatchWriter could not deliver.
 *
 * Lines the server refuses for their content do not stop the run: a 400 that names its bad lines
 * is answered by resending the batch without them, and a 422 has already kept the good ones. The
 * refused lines go to the rejection log with their own reasons (exit code 3).
 *
 * Any other failure (a wrong token, a missing permission, an unknown bucket or org, a server
 * unreachable after the retry budget) is fatal: the writer is aborted and reading stops. Nothing
 * of such a batch was refused for its content, so its lines, and those of every batch the abort
 * cancels, are not written and are kept out of the rejection log.
 *
 * `handle` runs before the batch's lines leave the writer's buffer, so a resend happens under the
 * same backpressure as everything else.
 */
import { InfluxDBError, PartialWriteError } from '../../errors.js'
import { parseUnableToParse } from '../../http/errors.js'
import type { WritePrecision } from '../../line-protocol/precision.js'
import type { BatchFailedInfo } from '../../write/batch-options.js'
import type { RejectionLog } from '../rejections.js'
import { describeError } from '../report.js'

export interface FailedBatchesContext {
  rejections: RejectionLog
  /** The server URL, for messages. */
  url: string
  /** Writes lines once (no batching); rejects like `WriteApiAsync.write`. */
  resend(lines: string[], precision: WritePrecision): Promise<void>
  /** Lines written after all: the good part of a partial write, or a successful resend. */
  onWritten(count: number): void
  /** Called once, with the first fatal failure. */
  onFatal(reason: Error): void
}

export class FailedBatches {
  /** The failure that stopped the run, if any. */
  fatal: Error | undefined
  /** Lines the server refused for their content (logged with their reasons). */
  refused = 0

  readonly #ctx: FailedBatchesContext

  constructor(ctx: FailedBatchesContext) {
    this.#ctx = ctx
  }

  async handle(info: BatchFailedInfo): Promise<void> {
    const { reason, lines } = info
    if (reason instanceof PartialWriteError) return this.#partialWrite(lines, reason)
    const salvage = splitParseFailures(lines, reason)
    if (salvage === undefined) return this.#stop(reason)
    await this.#reject(salvage.refused, (line) => salvage.reasons.get(line) ?? reason.message)
    if (salvage.rest.length === 0) return
    // Once the run is stopping, the good lines of the batch are not resent.
    if (this.fatal !== undefined) return
    try {
      await this.#ctx.resend(salvage.rest, info.precision)
      this.#ctx.onWritten(salvage.rest.length)
    } catch (error) {
      if (error instanceof PartialWriteError) await this.#partialWrite(salvage.rest, error)
      else this.#stop(error instanceof Error ? error : new Error(String(error)))
    }
  }

  /** Lines not written because of a failure that is not about them: never logged. */
  #stop(reason: Error): void {
    if (this.fatal !== undefined) return
    this.fatal = reason
    this.#ctx.onFatal(reason)
  }

  async #partialWrite(lines: readonly string[], error: PartialWriteError): Promise<void> {
    const reasons = new Map(
      error.rejectedLines.filter((r) => r.line !== undefined).map((r) => [r.line as string, r.reason]),
    )
    if (lines.every((line) => reasons.has(line))) {
      await this.#reject(lines, (line) => reasons.get(line) as string)
      return
    }
    // The server said how many it dropped, not which: the rest of these lines were written.
    const dropped = Math.min(lines.length, error.dropped ?? lines.length)
    this.#ctx.onWritten(lines.length - dropped)
    this.refused += dropped
    await this.#ctx.rejections.addGroup('server', lines, dropped, describeError(error, this.#ctx.url))
  }

  async #reject(lines: readonly string[], reasonOf: (line: string) => string): Promise<void> {
    this.refused += lines.length
    for (const line of lines) await this.#ctx.rejections.add({ where: 'server', text: line, reason: reasonOf(line) })
  }
}

/**
 * For a 400 that lists the lines it could not parse (nothing of the batch was written), the
 * refused lines and the rest to resend. `undefined` when the answer is any other failure, or
 * when not every refused line can be pinned down (then nothing is resent blindly).
 */
function splitParseFailures(
  lines: readonly string[],
  reason: Error,
): { refused: string[]; reasons: Map<string, string>; rest: string[] } | undefined {
  if (!(reason instanceof InfluxDBError) || reason.statusCode !== 400) return undefined
  const parsed = parseUnableToParse(reason.message, lines.join('\n'))
  if (parsed.length === 0 || parsed.some((r) => r.lineNumber === undefined)) return undefined
  const refusedIndexes = new Set(parsed.map((r) => (r.lineNumber as number) - 1))
  const reasons = new Map(parsed.map((r) => [lines[(r.lineNumber as number) - 1], r.reason]))
  return {
    refused: [...refusedIndexes].sort((a, b) => a - b).map((i) => lines[i]),
    reasons,
    rest: lines.filter((_, i) => !refusedIndexes.has(i)),
  }
}
