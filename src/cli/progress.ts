/**
 * The progress line of `write`: points acknowledged, points/s and input read. Drawn on stderr
 * only when stderr is a terminal, so pipes and log files never get control characters.
 *
 * The percentage follows acknowledgements, not reading: the share of the input read, times the
 * share of the points read so far that the server has answered for (written or refused). It
 * reaches 100% when the last point is acknowledged, with the same counts as the summary.
 */

/** What the progress line shows; read on every redraw. */
export interface ProgressState {
  written: number
  rejected: number
  /** Input bytes read, when the input is read from files or stdin. */
  bytesRead?: number
  /** Total input bytes, when every input is a regular file. */
  totalBytes?: number
  /** Points expected in all, when known in advance (then the bar follows points, not bytes). */
  totalPoints?: number
  /** Points read from the input so far (handed to the writer or refused while reading). */
  pointsRead?: number
}

export interface ProgressTarget {
  isTTY?: boolean
  columns?: number
  write(text: string): unknown
}

const REDRAW_MS = 100

export class ProgressBar {
  readonly #timer: NodeJS.Timeout | undefined
  readonly #started = performance.now()
  #drawn = false

  readonly #target: ProgressTarget

  readonly #read: () => ProgressState

  constructor(target: ProgressTarget, read: () => ProgressState) {
    this.#target = target

    this.#read = read
    if (target.isTTY !== true) return
    this.#timer = setInterval(() => this.#draw(), REDRAW_MS)
    this.#timer.unref()
  }

  /**
   * Stops redrawing. `finished`: the run is complete, and the line is drawn once more with the
   * final counts and kept; otherwise it is erased so that the error starts on a clean line.
   */
  stop(finished = false): void {
    if (this.#timer !== undefined) clearInterval(this.#timer)
    if (finished && this.#target.isTTY === true) {
      this.#draw()
      this.#target.write('\n')
    } else if (this.#drawn) {
      this.#target.write('\r\x1b[2K')
    }
    this.#drawn = false
  }

  #draw(): void {
    const seconds = (performance.now() - this.#started) / 1000
    // A pseudo-terminal without a size reports 0 columns.
    const columns = this.#target.columns !== undefined && this.#target.columns > 0 ? this.#target.columns : 80
    this.#target.write(`\r\x1b[2K${renderProgress(this.#read(), seconds, columns)}`)
    this.#drawn = true
  }
}

/** One progress line, fitted into `columns` characters. */
export function renderProgress(state: ProgressState, seconds: number, columns: number): string {
  const rate = seconds > 0 ? Math.round(state.written / seconds) : 0
  const counts = `${formatCount(state.written)} points  ${formatCount(rate)} points/s${state.rejected > 0 ? `  ${formatCount(state.rejected)} rejected` : ''}`
  const fraction = progressFraction(state)
  if (fraction === undefined) {
    return `${counts}${state.bytesRead === undefined ? '' : `  ${formatBytes(state.bytesRead)} read`}`.slice(
      0,
      columns - 1,
    )
  }
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4)
  const text = `${percent}  ${counts}`
  const barWidth = Math.min(40, columns - text.length - 4)
  if (barWidth < 10) return text.slice(0, columns - 1)
  const filled = Math.round(fraction * barWidth)
  return `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ${text}`
}

function progressFraction(state: ProgressState): number | undefined {
  if (state.totalPoints !== undefined && state.totalPoints > 0)
    return Math.min(1, (state.written + state.rejected) / state.totalPoints)
  if (state.totalBytes !== undefined && state.totalBytes > 0 && state.bytesRead !== undefined) {
    const read = Math.min(1, state.bytesRead / state.totalBytes)
    const answered =
      state.pointsRead === undefined
        ? 1
        : state.pointsRead === 0
          ? 0
          : Math.min(1, (state.written + state.rejected) / state.pointsRead)
    return read * answered
  }
  return undefined
}

/** 1234567 → "1,234,567". */
export function formatCount(value: number): string {
  return Math.round(value)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`
}
