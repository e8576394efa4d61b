#!/usr/bin/env node
// The `influx-async` executable (package.json "bin"). Everything else lives in program.ts,
// so that tests can run the same code in-process.
import { main } from './program.js'

process.exitCode = await main(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
})
