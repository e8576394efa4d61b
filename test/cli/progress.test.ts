import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { ProgressBar, formatCount, renderProgress } from '../../src/cli/progress.js'

describe('progress', () => {
  test('renders a bar with percent, points and points/s when the total is known', () => {
    assert.equal(
      renderProgress({ written: 500_000, rejected: 0, bytesRead: 50, totalBytes: 100 }, 2, 100),
      `[${'#'.repeat(20)}${'.'.repeat(20)}]  50%  500,000 points  250,000 points/s`,
    )
  })
  test('shows rejected points and bytes read when the total is unknown (stdin)', () => {
    assert.equal(
      renderProgress({ written: 10, rejected: 2, bytesRead: 3 * 1024 * 1024, totalBytes: undefined }, 1, 100),
      '10 points  10 points/s  2 rejected  3.0 MiB read',
    )
  })
  test('fits narrow terminals', () => {
    const line = renderProgress({ written: 123456789, rejected: 0, bytesRead: 1, totalBytes: 2 }, 1, 30)
    assert.equal(line, ' 50%  123,456,789 points  123', 'cut to columns - 1 so the cursor never wraps')
  })
  test('follows points when the total number of points is known', () => {
    assert.equal(
      renderProgress({ written: 250, rejected: 0, totalPoints: 1000 }, 1, 80),
      `[${'#'.repeat(10)}${'.'.repeat(30)}]  25%  250 points  250 points/s`,
    )
  })
  test('formatCount', () => {
    assert.deepEqual([0, 999, 1000, 1234567].map(formatCount), ['0', '999', '1,000', '1,234,567'])
  })
  test('draws nothing when the target is not a terminal', () => {
    const written: string[] = []
    const bar = new ProgressBar({ isTTY: false, write: (t: string) => written.push(t) }, () => ({
      written: 1,
      rejected: 0,
      bytesRead: 0,
      totalBytes: undefined,
    }))
    bar.stop()
    assert.deepEqual(written, [])
  })
  test('a terminal reporting 0 columns (a pseudo-terminal without a size) gets 80', async () => {
    const written: string[] = []
    const bar = new ProgressBar({ isTTY: true, columns: 0, write: (t: string) => written.push(t) }, () => ({
      written: 5,
      rejected: 0,
      totalPoints: 10,
    }))
    await new Promise((resolve) => setTimeout(resolve, 150))
    bar.stop()
    // eslint-disable-next-line no-control-regex -- the bar starts with the terminal's erase-line escape
    assert.match(written[0] ?? '', /^\r\x1b\[2K\[#{20}\.{20}\] {2}50% {2}5 points {2}\d+ points\/s$/)
  })
  test('draws on a terminal every 100 ms and erases the line on stop', (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] })
    const written: string[] = []
    const bar = new ProgressBar({ isTTY: true, columns: 80, write: (t: string) => written.push(t) }, () => ({
      written: 0,
      rejected: 0,
      bytesRead: 0,
      totalBytes: undefined,
    }))
    t.mock.timers.tick(99)
    assert.equal(written.length, 0)
    t.mock.timers.tick(151)
    assert.equal(written.length, 2, `drew ${written.length} time(s) in 250 ms`)
    bar.stop()
    assert.equal(written[0], '\r\x1b[2K0 points  0 points/s  0.0 KiB read')
    assert.equal(written.length, 3)
    assert.equal(written.at(-1), '\r\x1b[2K')
  })
})
