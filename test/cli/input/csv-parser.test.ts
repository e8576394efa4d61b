import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { CsvParser, CsvSyntaxError, parseCsvStream, type CsvRecord } from '../../../src/cli/input/csv-parser.js'

function parseAll(text: string, chunkSize = text.length || 1): CsvRecord[] {
  const parser = new CsvParser()
  const out: CsvRecord[] = []
  for (let i = 0; i < text.length; i += chunkSize) out.push(...parser.push(text.slice(i, i + chunkSize)))
  out.push(...parser.end())
  return out
}

const fieldsOf = (records: CsvRecord[]): string[][] => records.map((r) => r.fields)

describe('CsvParser', () => {
  const cases: Array<[string, string, string[][]]> = [
    [
      'plain rows',
      'a,b\n1,2\n',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'no final newline',
      'a,b\n1,2',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'CRLF',
      'a,b\r\n1,2\r\n',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    ['empty cells', ',x,\n', [['', 'x', '']]],
    ['trailing comma at end of input', 'a,', [['a', '']]],
    ['quoted comma and quote', '"a,b","say ""hi"""\n', [['a,b', 'say "hi"']]],
    ['quoted newline LF', '"line1\nline2",z\n', [['line1\nline2', 'z']]],
    ['quoted CRLF kept', '"x\r\ny",z\r\n', [['x\r\ny', 'z']]],
    ['quoted empty', '"",""\n', [['', '']]],
    ['a lone quoted empty field is a record', '""\n', [['']]],
    ['blank lines skipped', 'a\n\n\r\nb\n', [['a'], ['b']]],
    ['spaces kept', ' a , b \n', [[' a ', ' b ']]],
    ['unicode', 'é,"ü,ß"\n', [['é', 'ü,ß']]],
  ]
  for (const [name, text, expected] of cases) {
    test(name, () => {
      assert.deepEqual(fieldsOf(parseAll(text)), expected)
    })
    test(`${name}, fed one character at a time`, () => {
      assert.deepEqual(fieldsOf(parseAll(text, 1)), expected)
    })
  }

  test('line numbers count the lines inside quoted fields', () => {
    const records = parseAll('h\n"a\nb"\nc\n\nd\n', 2)
    assert.deepEqual(
      records.map((r) => [r.fields[0], r.line]),
      [
        ['h', 1],
        ['a\nb', 2],
        ['c', 4],
        ['d', 6],
      ],
    )
  })

  test('a quote inside an unquoted field is an error naming the line', () => {
    assert.throws(
      () => parseAll('a\nb"c\n'),
      (e: unknown) =>
        e instanceof CsvSyntaxError &&
        e.message === 'line 2: a quote inside an unquoted field (quote the whole field and double the quote)',
    )
  })

  test('text after a closing quote is an error', () => {
    assert.throws(() => parseAll('"a"b\n'), { message: 'line 1: unexpected "b" after a closing quote' })
  })

  test('an unclosed quote at the end is an error naming the line where the record starts', () => {
    assert.throws(() => parseAll('x\n"abc\ndef\n'), {
      message: 'line 2: a quoted field is not closed at the end of the input',
    })
  })

  test('parseCsvStream yields batches per chunk', async () => {
    // eslint-disable-next-line @typescript-eslint/require-await -- an async source on purpose, with nothing to wait for
    async function* chunks(): AsyncGenerator<string> {
      yield 'a,b\n1,'
      yield '2\n3,4'
    }
    const batches: string[][][] = []
    for await (const batch of parseCsvStream(chunks())) batches.push(batch.map((r) => r.fields))
    assert.deepEqual(batches, [[['a', 'b']], [['1', '2']], [['3', '4']]])
  })
})
