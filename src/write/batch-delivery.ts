/**
 * Delivers one batch: send, retry what the policy allows, split on 413, and account for every
 * line as either delivered or undelivered with a reason. Never rejects: whatever happens ends up
 * in the returned outcome, so no background promise of the writer can go unhandled.
 */
import { ClosedError, InfluxDBError, PartialWriteError, RequestAbortedError, type UndeliveredBatch } from '../errors.js'
import type { WritePrecision } from '../line-protocol/precision.js'
import { LinePayload } from './batch-payload.js'

/** Sends one UTF-8 body; resolves on a 2xx answer and throws the transport's errors otherwise. */
export type SendBody = (body: Uint8Array, precision: WritePrecision, signal: AbortSignal) => Promise<void>

/** How long to wait before retry number `attempt` (attempt = the failed try, from 1), or `undefined` to give up. */
export interface RetryDecider {
  nextDelay(attempt: number, error: unknown, elapsedMs: number): number | undefined
}

export interface DeliveryContext {
  send: SendBody
  /** `undefined` when retries are off. */
  retry: RetryDecider | undefined
  /** Fires when the writer is aborted: requests and retry waits stop at once. */
  signal: AbortSignal
  /**
   * Fires when the client is closed: retry waits end at once and their lines are undelivered
   * (a request on the wire is let finish, as the transport does).
   */
  stop?: AbortSignal
  /** Called around each request and each retry wait, for the writer's statistics. */
  onRequest(delta: 1 | -1): void
  onRetryWait(delta: 1 | -1): void
}

/** What became of a batch's lines. `delivered + Σ undelivered lines` = the batch's line count. */
export interface DeliveryOutcome {
  delivered: number
  undelivered: UndeliveredBatch[]
  /** Requests made, counting retries and 413 halves. */
  requests: number
}

export async function deliverBatch(
  payload: LinePayload,
  precision: WritePrecision,
  ctx: DeliveryContext,
): Promise<DeliveryOutcome> {
  const outcome: DeliveryOutcome = { delivered: 0, undelivered: [], requests: 0 }
  await deliverPart(payload, precision, ctx, outcome)
  return outcome
}

async function deliverPart(
  payload: LinePayload,
  precision: WritePrecision,
  ctx: DeliveryContext,
  outcome: DeliveryOutcome,
): Promise<void> {
  const started = Date.now()
  for (let attempt = 1; ; attempt++) {
    if (ctx.signal.aborted) {
      outcome.undelivered.push({ lines: payload.lines(), precision, reason: abortReason(ctx.signal) })
      return
    }
    let failure: unknown
    ctx.onRequest(1)
    outcome.requests++
    try {
      await ctx.send(payload.body, precision, ctx.signal)
      outcome.delivered += payload.lineCount
      return
    } catch (error) {
      failure = error
    } finally {
      ctx.onRequest(-1)
    }
    const reason = asError(failure)
    if (ctx.signal.aborted) {
      outcome.undelivered.push({ lines: payload.lines(), precision, reason: abortReason(ctx.signal) })
      return
    }
    if (reason instanceof InfluxDBError && reason.statusCode === 413) {
      const lines = payload.lines()
      if (lines.length === 1) {
        outcome.undelivered.push({ lines, precision, reason })
        return
      }
      // Each half keeps its own retry budget: a 413 says nothing about the server's health.
      const middle = Math.ceil(lines.length / 2)
      await deliverPart(LinePayload.of(lines.slice(0, middle)), precision, ctx, outcome)
      await deliverPart(LinePayload.of(lines.slice(middle)), precision, ctx, outcome)
      return
    }
    if (reason instanceof PartialWriteError) {
      recordPartialWrite(payload.lines(), precision, reason, outcome)
      return
    }
    const delay = ctx.retry?.nextDelay(attempt, reason, Date.now() - started)
    if (delay === undefined) {
      outcome.undelivered.push({ lines: payload.lines(), precision, reason })
      return
    }
    ctx.onRetryWait(1)
    try {
      await waitAtLeast(delay, ctx.signal, ctx.stop)
    } finally {
      ctx.onRetryWait(-1)
    }
    if (ctx.stop?.aborted === true && !ctx.signal.aborted) {
      const closed = new ClosedError('the client was closed while this batch waited for a retry', { cause: reason })
      outcome.undelivered.push({ lines: payload.lines(), precision, reason: closed })
      return
    }
  }
}

/**
 * The server wrote part of the body. When it names every refused line, only those are
 * undelivered and the rest count as delivered. When it does not (a bare `dropped=N`), nobody can
 * tell which lines made it, so the whole batch is reported: resending it is safe, because writing
 * the same point again overwrites it with the same value.
 */
function recordPartialWrite(
  lines: string[],
  precision: WritePrecision,
  error: PartialWriteError,
  outcome: DeliveryOutcome,
): void {
  const refused = identifyRefusedLines(lines, error)
  if (refused === undefined) {
    outcome.undelivered.push({ lines, precision, reason: error })
    return
  }
  outcome.delivered += lines.length - refused.length
  outcome.undelivered.push({ lines: refused, precision, reason: error })
}

/**
 * The refused lines in body order, or `undefined` when any of them cannot be pinned down. Each
 * report claims a line of its own: two reports of the same text are two refused lines.
 */
function identifyRefusedLines(lines: string[], error: PartialWriteError): string[] | undefined {
  if (error.rejectedLines.length === 0) return undefined
  if (error.dropped !== undefined && error.dropped > error.rejectedLines.length) return undefined
  const claimed = new Set<number>()
  const byText: string[] = []
  // Reports with a line number that agrees with the body claim their line first, so that a
  // report known only by its text cannot take a line that another report names exactly.
  for (const rejected of error.rejectedLines) {
    const n = rejected.lineNumber
    const numbered =
      n !== undefined &&
      Number.isInteger(n) &&
      n >= 1 &&
      n <= lines.length &&
      (rejected.line === undefined || rejected.line === lines[n - 1])
    if (numbered && !claimed.has(n - 1)) claimed.add(n - 1)
    else if (rejected.line !== undefined) byText.push(rejected.line)
    else return undefined
  }
  if (byText.length > 0) {
    const unclaimed = indexesByText(lines, claimed)
    for (const text of byText) {
      const index = unclaimed.get(text)?.shift()
      if (index === undefined) return undefined
      claimed.add(index)
    }
  }
  return [...claimed].sort((a, b) => a - b).map((i) => lines[i])
}

/** Line indexes by text, in body order, leaving out those already claimed. */
function indexesByText(lines: string[], claimed: ReadonlySet<number>): Map<string, number[]> {
  const map = new Map<string, number[]>()
  lines.forEach((line, i) => {
    if (claimed.has(i)) return
    const indexes = map.get(line)
    if (indexes === undefined) map.set(line, [i])
    else indexes.push(i)
  })
  return map
}

/**
 * Waits `ms` of wall-clock time, never less: a timer may fire a little early against the real
 * clock, and a server that said `Retry-After` must not hear from us before it asked.
 * Resolves early (without error) when `signal` or `stop` fires; the caller checks them.
 */
function waitAtLeast(ms: number, signal: AbortSignal, stop: AbortSignal | undefined): Promise<void> {
  const deadline = performance.now() + ms
  return new Promise<void>((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const finish = (): void => {
      clearTimeout(timer)
      signal.removeEventListener('abort', finish)
      stop?.removeEventListener('abort', finish)
      resolve()
    }
    const arm = (): void => {
      const left = deadline - performance.now()
      if (left <= 0) finish()
      else timer = setTimeout(arm, Math.ceil(left))
    }
    if (stop?.aborted === true) {
      finish()
      return
    }
    signal.addEventListener('abort', finish, { once: true })
    stop?.addEventListener('abort', finish, { once: true })
    arm()
  })
}

function abortReason(signal: AbortSignal): Error {
  return new RequestAbortedError('the batch writer was aborted before this batch was acknowledged', {
    cause: signal.reason,
  })
}

/** `value` if it is an Error, else an Error with its text. */
export function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value))
}
