// What one Point costs in x86 instructions: building it, and writing its line into a LineWriter.
// Run through scripts/count-instructions.sh (valgrind), which reads the difference between two
// sizes: startup, compilation and warm-up cancel out. Env: CASE (build | line), N (points per round).
import type { Point } from '../../src/line-protocol/point.js'
import { benchPoint } from '../bench-point.js'
import { LineWriter } from '../../src/line-protocol/line-writer.js'

const N = Number(process.env.N ?? 20_000)
const ROUNDS = 3

const kind = process.env.CASE ?? 'build'
if (kind === 'build') {
  const page: Point[] = new Array<Point>(5000)
  for (let round = 0; round < ROUNDS; round++) for (let i = 0; i < N; i++) page[i % 5000] = benchPoint(i)
} else if (kind === 'line') {
  const points = Array.from({ length: 4096 }, (_, i) => benchPoint(i))
  const writer = new LineWriter(1 << 20)
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < N; i++) {
      if ((i & 4095) === 0) writer.clear()
      points[i & 4095].writeLine(writer, 'ns')
    }
  }
} else throw new Error(`CASE must be build or line, not ${kind}`)
