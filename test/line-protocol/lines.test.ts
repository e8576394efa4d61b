import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { sendableLines } from '../../src/line-protocol/lines.js'

describe('sendableLines', () => {
  const cases: [string, string[]][] = [
    ['m f=1', ['m f=1']],
    ['m f=1\n', ['m f=1']],
    ['a f=1\nb f=2', ['a f=1', 'b f=2']],
    ['a f=1\r\nb f=2\r\n', ['a f=1', 'b f=2']],
    ['\n\n  \n\t\n', []],
    ['\u00a0\n\u2003', []],
    ['  a f=1  ', ['  a f=1  ']],
    ['# comment\na f=1', ['a f=1']],
    ['a f=1\n\t # indented comment', ['a f=1']],
    ['a s="# not a comment\n# inside a string value" 1', ['a s="# not a comment\n# inside a string value" 1']],
    // a line feed inside a quoted string field belongs to the value
    ['a s="x\ny" 1\nb f=2', ['a s="x\ny" 1', 'b f=2']],
    // an escaped quote does not close the string
    ['a s="q\\"\nstill" 1\nb f=2', ['a s="q\\"\nstill" 1', 'b f=2']],
    // quotes in the measurement, tags and field keys are plain characters
    ['m"x,t="v f=1\nb f=2', ['m"x,t="v f=1', 'b f=2']],
    ['m f"k=1\nb f=2', ['m f"k=1', 'b f=2']],
    // a second string field after a comma
    ['m a="1",b="x\ny"\nc f=1', ['m a="1",b="x\ny"', 'c f=1']],
    // Go's scanLine: a backslash skips the byte after it, a line feed included
    ['a,t=x\\\ny f=1\nb f=2', ['a,t=x\\\ny f=1', 'b f=2']],
  ]
  for (const [text, expected] of cases) {
    test(JSON.stringify(text), () => {
      assert.deepEqual(sendableLines(text), expected)
    })
  }
})
