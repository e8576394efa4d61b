// Loaded into every test process (scripts/run-tests.mjs). An unhandled promise rejection
// anywhere fails the run: background failures must reach flush(), close() or a callback.
const seen: unknown[] = []
process.on('unhandledRejection', (reason) => {
  seen.push(reason)
  console.error('UNHANDLED REJECTION in test process:', reason)
  process.exitCode = 1
})
process.on('exit', () => {
  if (seen.length > 0) {
    console.error(`${seen.length} unhandled rejection(s); failing this test file`)
    process.exitCode = 1
  }
})
export {}
