// How `write` reads its input, end to end against the embedded server: leading whitespace,
// corrupt .gz files, invalid UTF-8, and line feeds inside quoted string field values.
import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { runCli, summaryOf } from './run-cli.js'
import { useCliServer } from './server-fixture.js'

const BUCKET = 'cli-input-bucket'
const cli = useCliServer(BUCKET, 'cli-input')
const { connection, file, held } = cli

function writeBodies(): string[] {
  return cli.server.requests.filter((r) => r.path === '/api/v2/write').map((r) => r.body)
}

describe('line protocol with leading whitespace (B1)', () => {
  test('a refused line that starts with spaces or a tab refuses only itself; the others are written; exit 3', async () => {
    const path = await file('lw.lp', 'm v=1 1\n  m v=NaN 2\nm v=3 3\n\t m,t=a v=4 4\n')
    const errors = join(cli.dir, 'lw-errors.lp')
    const result = await runCli(['write', ...connection(), '--errors-file', errors, path])
    assert.equal(result.code, 3, result.stderr)
    assert.equal(summaryOf(result.stdout), 'written: 3 points, rejected: 1, <s>, <rate>\n')
    assert.equal(result.stderr, `refused lines and reasons are in ${errors}\n`)
    assert.deepEqual(held(), ['m v=1 1', 'm v=3 3', 'm,t=a v=4 4'])
    const logged = (await readFile(errors, 'utf8')).split('\n')
    assert.match(logged[0] ?? '', /^# server: /)
    assert.deepEqual(logged.slice(1), ['m v=NaN 2', ''])
  })

  test('leading spaces and tabs are not sent', async () => {
    const result = await runCli(['write', ...connection()], { stdin: '   m v=1 1\n\t\tm v=2 2\n' })
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(writeBodies(), ['m v=1 1\nm v=2 2'])
    assert.deepEqual(held(), ['m v=1 1', 'm v=2 2'])
  })
})

describe('many refused lines', () => {
  test(
    'more than the writer buffers are all reported, one by one, and the run goes on; exit 3',
    { timeout: 120_000 },
    async () => {
      // With --batch-size 100 the writer holds 800 lines; 1000 refused ones come first, then enough good
      // lines for several more reads (and write() calls) after them.
      const bad = Array.from({ length: 1000 }, (_, i) => `m v=NaN ${i}`)
      const good = Array.from({ length: 60_000 }, (_, i) => `m v=1 ${10_000 + i}`)
      const path = await file('many-bad.lp', [...bad, ...good, ''].join('\n'))
      const errors = join(cli.dir, 'many-bad.err')
      const result = await runCli(['write', ...connection(), '--batch-size', '100', '--errors-file', errors, path])
      assert.equal(result.code, 3, result.stderr)
      assert.equal(summaryOf(result.stdout), 'written: 60000 points, rejected: 1000, <s>, <rate>\n')
      assert.equal(cli.server.count(BUCKET), 60_000)
      const logged = (await readFile(errors, 'utf8')).split('\n').filter((l) => l !== '' && !l.startsWith('#'))
      assert.deepEqual(logged.sort(), [...bad].sort())
    },
  )
})

describe('a corrupt .gz input (B3)', () => {
  test('is one clear error line naming the file; exit 1; nothing written', async () => {
    const path = await file('bad.lp.gz', 'garbage')
    const result = await runCli(['write', ...connection(), path])
    assert.equal(result.stderr, `influx-async: cannot read ${path}: incorrect header check\n`)
    assert.equal(result.code, 1)
    assert.match(
      result.stdout,
      /^stopped after \d+\.\d\d s: written: 0 points, not written: 0 \(the rest of the input was not read\)\n$/,
    )
    assert.deepEqual(held(), [])
  })

  test('cut short after many batches: what was read is written (not listed as aborted); then the error; exit 1', async () => {
    const lines = Array.from({ length: 40_000 }, (_, i) => `m,host=h${i % 7} v=${i} ${i}`)
    const whole = gzipSync(lines.join('\n') + '\n')
    const path = await file('late-cut.lp.gz', whole.subarray(0, Math.floor(whole.length * 0.6)))
    const result = await runCli(['write', ...connection(), '--batch-size', '1000', path])
    assert.equal(result.stderr, `influx-async: cannot read ${path}: unexpected end of file\n`)
    assert.equal(result.code, 1)
    const written = Number(/written: (\d+) points, not written: 0 /.exec(result.stdout)?.[1])
    assert.ok(written > 1000, result.stdout)
    assert.equal(cli.server.points(BUCKET).length, written)
    // Exactly the first lines of the file, in order, none skipped.
    const stored = cli.server
      .points(BUCKET)
      .map((p) => Number(p.fields.v))
      .sort((a, b) => a - b)
    assert.deepEqual(
      stored,
      Array.from({ length: written }, (_, i) => i),
    )
  })

  test('a .gz file cut short is named too', async () => {
    // Only the gzip header: the error comes before any line is read.
    const path = await file('cut.lp.gz', gzipSync('m v=1 1\n').subarray(0, 10))
    const result = await runCli(['write', ...connection(), path])
    assert.equal(result.stderr, `influx-async: cannot read ${path}: unexpected end of file\n`)
    assert.equal(result.code, 1)
  })
})

describe('invalid UTF-8 in the input (B5)', () => {
  test('a line protocol file is refused with the byte offset; exit 1; nothing written', async () => {
    const path = await file(
      'u.lp',
      Buffer.concat([Buffer.from('m v=1 1\nm s="a'), Buffer.from([0xff, 0xfe]), Buffer.from('b" 2\n')]),
    )
    const result = await runCli(['write', ...connection(), path])
    assert.equal(result.stderr, `influx-async: cannot read ${path}: invalid UTF-8 at byte offset 14\n`)
    assert.equal(result.code, 1)
    assert.deepEqual(held(), [])
  })

  test('stdin, CSV and NDJSON are checked the same way', async () => {
    const bad = Buffer.concat([
      Buffer.from('{"measurement":"m","fields":{"s":"'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}}\n'),
    ])
    const ndjson = await runCli(['write', ...connection(), '--format', 'ndjson'], { stdin: bad })
    assert.deepEqual(
      [ndjson.code, ndjson.stderr],
      [1, 'influx-async: cannot read -: invalid UTF-8 at byte offset 34\n'],
    )
    const csvPath = await file('u.csv', Buffer.concat([Buffer.from('s\n'), Buffer.from([0xe2, 0x82])]))
    const csv = await runCli(['write', ...connection(), '-m', 'm', csvPath])
    assert.deepEqual(
      [csv.code, csv.stderr],
      [1, `influx-async: cannot read ${csvPath}: invalid UTF-8 at byte offset 2 (the input ends inside a character)\n`],
    )
    assert.deepEqual(held(), [])
  })
})

describe('a raw line feed inside a quoted string field value (B6)', () => {
  const INPUT = 'm s="line1\nline2" 1\nm v=2 2\nm,t=a\\ b s="x \\" y\nz",n=3i 3\n'

  test('stays in its value, and the written count counts points, not physical lines', async () => {
    const path = await file('nl.lp', INPUT)
    const result = await runCli(['write', ...connection(), path])
    assert.equal(result.stderr, '')
    assert.equal(summaryOf(result.stdout), 'written: 3 points, rejected: 0, <s>, <rate>\n')
    assert.equal(result.code, 0)
    assert.deepEqual(held(), ['m s="line1\\nline2" 1', 'm v=2 2', 'm,t=a b s="x \\" y\\nz",n=3i 3'])
  })

  test('the same with one line per request', async () => {
    const result = await runCli(['write', ...connection(), '--batch-size', '1'], { stdin: INPUT })
    assert.equal(summaryOf(result.stdout), 'written: 3 points, rejected: 0, <s>, <rate>\n')
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(writeBodies(), ['m s="line1\nline2" 1', 'm v=2 2', 'm,t=a\\ b s="x \\" y\nz",n=3i 3'])
  })

  test('quotes in a comment line or in the tags do not join lines', async () => {
    const result = await runCli(['write', ...connection()], { stdin: '# a="x\nm,t="q v=1 1\nm v=2 2\n' })
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(writeBodies(), ['m,t="q v=1 1\nm v=2 2'])
  })
})

describe('a file of many read chunks', () => {
  /**
   * Lines of every length, crossing every boundary of the 1 MiB reads: short and long lines,
   * raw line feeds inside quoted values, and one line longer than a read. Every line is distinct.
   */
  function manyChunkInput(): { text: string; lines: string[] } {
    const lines: string[] = []
    let size = 0
    let seed = 7
    const random = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) & 0x7fff_ffff
      return seed % n
    }
    for (let i = 0; size < 3.5 * 1024 * 1024; i++) {
      let line: string
      if (i === 900)
        line = `m,n=${i} ${Array.from({ length: 22 }, (_, f) => `f${f}="${'x'.repeat(60_000)}"`).join(',')} ${i}`
      else if (i % 7 === 0) line = `q,n=${i} s="a\nb${'y'.repeat(random(400))}\nc" ${i}`
      else line = `m,host=h${i % 13},n=${i} v=${i}i,s="${'z'.repeat(random(3_000))}" ${i}`
      lines.push(line)
      size += line.length + 1
    }
    return { text: lines.join('\n') + '\n', lines }
  }

  test('every line arrives exactly once, byte for byte, while the server answers slowly', async () => {
    const { text, lines } = manyChunkInput()
    const path = await file('chunks.lp', text)
    // Slow answers keep the writer's buffer full, so reads wait on the writer between chunks.
    cli.server.delay(20)
    const result = await runCli(['write', ...connection(), '--batch-size', '500', path])
    assert.equal(result.code, 0, result.stderr)
    assert.equal(summaryOf(result.stdout), `written: ${lines.length} points, rejected: 0, <s>, <rate>\n`)
    const arrived = writeBodies()
      .flatMap((body) => body.split(/\n(?=[mq],)/))
      .sort()
    const expected = [...lines].sort()
    assert.equal(arrived.length, expected.length)
    const differs = arrived.findIndex((line, i) => line !== expected[i])
    assert.equal(differs, -1, `sorted line ${differs} differs: ${arrived[differs]?.slice(0, 80)}`)
  })
})
