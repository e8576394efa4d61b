// The progress bar, drawn when stderr is a terminal: the CLI runs under a pseudo-terminal
// (`script`), and the bar's last frame is compared with the summary.
import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { ROOT, cleanEnv } from './run-cli.js'
import { useCliServer } from './server-fixture.js'

const BUCKET = 'progress-bucket'
const cli = useCliServer(BUCKET, 'progress')
const SCRIPT = '/usr/bin/script'

function runInTerminal(args: readonly string[]): Promise<{ code: number | null; output: string }> {
  const command = ['node', '--import', 'tsx', 'src/cli/main.ts', ...args]
    .map((a) => `'${a.replaceAll("'", "'\\''")}'`)
    .join(' ')
  const child = spawn(SCRIPT, ['-qefc', command, '/dev/null'], {
    cwd: ROOT,
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    output += text
  })
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    output += text
  })
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, output })))
}

describe(
  'the progress bar counts acknowledged points',
  { skip: existsSync(SCRIPT) ? false : 'needs script(1) for a terminal' },
  () => {
    test("its last frame shows 100% and the summary's count", { timeout: 120_000 }, async () => {
      const lines = Array.from({ length: 30_000 }, (_, i) => `m,t=a v=${i} ${i + 1}`).join('\n')
      const path = await cli.file('progress.lp', `${lines}\nbad line\n`)
      const result = await runInTerminal(['write', ...cli.connection(), '--batch-size', '1000', path])
      assert.equal(result.code, 3)
      const frames = result.output
        .split(/\r|\n/)
        .map((l) => l.replaceAll('\x1b[2K', ''))
        .filter((l) => l.startsWith('['))
      const last = frames.at(-1) ?? ''
      assert.match(last, /^\[#+\] 100% {2}30,000 points {2}[\d,]+ points\/s {2}1 rejected$/)
      assert.match(result.output, /\nwritten: 30000 points, rejected: 1, /)
      // A frame before the end never claims 100% while points are still unanswered.
      for (const frame of frames.slice(0, -1)) {
        const match = /(\d+)% {2}([\d,]+) points/.exec(frame)
        if (match?.[1] === '100') assert.equal(match[2], '30,000', frame)
      }
    })
  },
)
