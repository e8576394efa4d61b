/**
 * The bytes of a dictionary's entries (Arrow dictionary-encoded columns), each formatted once,
 * and again only when the dictionary object changes (Arrow keeps one dictionary object for all
 * the batches that share it). An entry that cannot be written keeps its error, which only the
 * rows that use it get.
 */
import { CellError } from './cell-error.js'
import type { CellValue } from './model.js'
import type { EncodedText } from './write-bytes.js'

export class DictionaryTexts {
  /** The entries' bytes by index; undefined for an entry that writes nothing or fails. */
  texts: readonly (EncodedText | undefined)[] = []
  #failures: readonly (CellError | undefined)[] = []
  #dictionary: readonly CellValue[] | undefined

  /** Formats the entries of `dictionary` with `format` (which throws `CellError`), unless it is the one loaded. */
  load(dictionary: readonly CellValue[], format: (value: CellValue) => EncodedText | undefined): void {
    if (dictionary === this.#dictionary) return
    const texts = new Array<EncodedText | undefined>(dictionary.length)
    const failures = new Array<CellError | undefined>(dictionary.length)
    dictionary.forEach((value, entry) => {
      try {
        texts[entry] = format(value)
      } catch (error) {
        if (!(error instanceof CellError)) throw error
        failures[entry] = error
      }
    })
    this.texts = texts
    this.#failures = failures
    this.#dictionary = dictionary
  }

  /** True for an entry whose value cannot be written. */
  failed(entry: number): boolean {
    return this.#failures[entry] !== undefined
  }

  /** For an entry without bytes: throws its error as the error of block row `index`, if it has one. */
  throwFailure(entry: number, index: number): void {
    const failure = this.#failures[entry]
    if (failure !== undefined) throw new CellError(index, failure.message)
  }
}
