import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { RejectionLog, excerpt } from '../../src/cli/rejections.js'

function stderrLog(): Promise<{ log: RejectionLog; text: () => string }> {
  let text = ''
  return RejectionLog.open(undefined, {
    write: (t: string) => {
      text += t
    },
  }).then((log) => ({ log, text: () => text }))
}

describe('RejectionLog on stderr (B9: a refused line is identified by its text)', () => {
  test('each reason is followed by the start of the line; line breaks are shown escaped', async () => {
    const { log, text } = await stderrLog()
    await log.add({ where: 'server', text: 'm s="a\r\nb",v=1x 1', reason: 'invalid\nnumber' })
    assert.equal(text(), 'rejected server: invalid number\n  m s="a\\r\\nb",v=1x 1\n')
  })

  test('a group the server did not break down shows its first line and how many more', async () => {
    const { log, text } = await stderrLog()
    await log.addGroup('server', ['m v=1 1', 'm v=2 2', 'm v=3 3'], 2, 'partial write')
    assert.equal(
      text(),
      'rejected server: 2 of the next 3 line(s) refused, the server did not say which (writing them again is safe): partial write\n  m v=1 1 (and 2 more line(s))\n',
    )
    assert.equal(log.rejected, 2)
  })

  test('excerpt keeps 80 characters and never splits a surrogate pair', () => {
    assert.equal(excerpt('x'.repeat(80)), 'x'.repeat(80))
    assert.equal(excerpt('x'.repeat(81)), `${'x'.repeat(80)}…`)
    assert.equal(excerpt(`${'x'.repeat(79)}😀yz`), `${'x'.repeat(79)}…`)
  })
})
