import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { InfluxDBError, NetworkError, PartialWriteError } from '../../../src/errors.js'
import { FailedBatches } from '../../../src/cli/commands/failed-batches.js'
import { RejectionLog } from '../../../src/cli/rejections.js'

interface Harness {
  failures: FailedBatches
  resent: string[][]
  written: number[]
  fatal: Error[]
  finish(): Promise<string>
}

async function harness(resendError?: Error): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'failed-batches-'))
  const path = join(dir, 'errors.txt')
  const rejections = await RejectionLog.open(path)
  const h = {
    resent: [] as string[][],
    written: [] as number[],
    fatal: [] as Error[],
  }
  const failures = new FailedBatches({
    rejections,
    url: 'http://db',
    resend: (lines) => {
      h.resent.push(lines)
      return resendError === undefined ? Promise.resolve() : Promise.reject(resendError)
    },
    onWritten: (n) => h.written.push(n),
    onFatal: (e) => h.fatal.push(e),
  })
  return {
    ...h,
    failures,
    finish: async () => {
      await rejections.close()
      const text = await readFile(path, 'utf8')
      await rm(dir, { recursive: true })
      return text
    },
  }
}

const http400 = (message: string): InfluxDBError =>
  new InfluxDBError({ statusCode: 400, body: JSON.stringify({ code: 'invalid', message }), headers: {} })

describe('FailedBatches', () => {
  test('a 400 naming its bad lines: they are logged, the rest is resent and counted', async () => {
    const h = await harness()
    const lines = ['m v=1 1', 'bad', 'm v=2 2', 'worse x']
    await h.failures.handle({
      lines,
      precision: 'ns',
      reason: http400("unable to parse 'bad': missing fields\nunable to parse 'worse x': invalid field format"),
    })
    assert.deepEqual(h.resent, [['m v=1 1', 'm v=2 2']])
    assert.deepEqual(h.written, [2])
    assert.deepEqual(h.fatal, [])
    assert.equal(h.failures.fatal, undefined)
    assert.equal(await h.finish(), '# server: missing fields\nbad\n# server: invalid field format\nworse x\n')
  })

  test('a 422 naming its lines: only those are logged, with their own reasons', async () => {
    const h = await harness()
    const error = new PartialWriteError({
      statusCode: 422,
      body: '',
      headers: {},
      rejectedLines: [{ line: 'b', reason: 'type conflict' }],
    })
    await h.failures.handle({ lines: ['b'], precision: 'ns', reason: error })
    assert.deepEqual(h.written, [])
    assert.equal(await h.finish(), '# server: type conflict\nb\n')
  })

  test('a 422 with only dropped=N: the others count as written, the group is logged together', async () => {
    const h = await harness()
    const error = new PartialWriteError({
      statusCode: 422,
      body: '{"code":"unprocessable entity","message":"partial write: conflict dropped=1"}',
      headers: {},
      rejectedLines: [],
      dropped: 1,
    })
    await h.failures.handle({ lines: ['a', 'b', 'c'], precision: 'ns', reason: error })
    assert.deepEqual(h.written, [2])
    assert.equal(
      await h.finish(),
      '# server: 1 of the next 3 line(s) refused, the server did not say which (writing them again is safe): the server answered 422 (unprocessable entity): partial write: conflict dropped=1\na\nb\nc\n',
    )
  })

  test('any other failure is fatal once; its lines are not logged, later content refusals are, with nothing resent', async () => {
    const h = await harness()
    const first = new NetworkError('connect failed', { errorCode: 'ECONNREFUSED' })
    await h.failures.handle({ lines: ['a'], precision: 'ns', reason: first })
    await h.failures.handle({ lines: ['b', 'm v=1'], precision: 'ns', reason: http400("unable to parse 'b': x") })
    await h.failures.handle({ lines: ['c'], precision: 'ns', reason: new Error('the batch writer was aborted') })
    assert.deepEqual(h.fatal, [first])
    assert.equal(h.failures.fatal, first)
    assert.deepEqual(h.resent, [], 'nothing is resent once the run is stopping')
    assert.equal(h.failures.refused, 1)
    assert.equal(await h.finish(), '# server: x\nb\n')
  })

  test('a resend that fails for a reason other than content stops the run; the resent lines are not logged', async () => {
    const h = await harness(new InfluxDBError({ statusCode: 401, body: '', headers: {} }))
    await h.failures.handle({
      lines: ['ok v=1', 'bad'],
      precision: 'ns',
      reason: http400("unable to parse 'bad': nope"),
    })
    assert.deepEqual(h.written, [])
    assert.equal(h.fatal.length, 1)
    assert.equal(await h.finish(), '# server: nope\nbad\n')
  })
})
