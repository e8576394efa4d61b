// Child process of the "timer does not keep the process alive" test: leaves a writer with an
// open batch and a long flushInterval, and simply ends. The parent checks that it exits at once.
import { BatchWriter } from '../../src/write/batch-writer.js'
import { stringSerializer } from './harness.js'

const writer = BatchWriter.create(
  { bucket: 'b', flushInterval: 60_000, batchSize: 100 },
  { send: () => Promise.resolve(), serialize: stringSerializer },
)
await writer.write('m v=1 1')
console.log(`buffered ${writer.stats.bufferedLines}`)
