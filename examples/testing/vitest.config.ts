// Inside this repository the package is resolved from its sources; in your project, where
// influxdb-client-async is installed, Vitest needs no configuration for it.
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const src = (path: string): string => fileURLToPath(new URL(`../../src/${path}`, import.meta.url))

export default defineConfig({
  resolve: {
    alias: [
      { find: /^influxdb-client-async\/testing$/, replacement: src('testing/index.ts') },
      { find: /^influxdb-client-async$/, replacement: src('index.ts') },
    ],
  },
  test: { include: ['examples/testing/vitest.test.ts'], root: fileURLToPath(new URL('../..', import.meta.url)) },
})
