// A full garbage collection on demand, for tests that check what the library lets go of. The
// test runner starts Node without --expose-gc; the flag can still be set at run time, and a new
// context then has `gc`.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

let gc: (() => void) | undefined

/** Collects garbage fully, twice (a WeakRef's target goes only at a collection after its last use). */
export async function collectGarbage(): Promise<void> {
  if (gc === undefined) {
    setFlagsFromString('--expose-gc')
    gc = runInNewContext('gc') as () => void
  }
  gc()
  // A WeakRef's target is kept until the end of the job that read it: let that job end.
  await new Promise((resolve) => setImmediate(resolve))
  gc()
}
