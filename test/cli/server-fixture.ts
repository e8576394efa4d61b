// One embedded server and one scratch directory per CLI test file: started before its tests,
// emptied before each test, and the helpers that every such file uses to run and to check.
import { after, before, beforeEach } from 'node:test'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startTestServer, type StoredPoint, type TestServer } from '../../src/testing/index.js'

export interface CliServer {
  readonly server: TestServer
  readonly dir: string
  /** The connection flags for the bucket. */
  connection: () => string[]
  /** Writes `content` to `name` in the scratch directory; returns its path. */
  file: (name: string, content: string | Uint8Array) => Promise<string>
  /** Stored points as compact text, `measurement,tags fields time`, sorted. */
  held: () => string[]
  /** The write requests the server received since the test started. */
  writeRequests: () => TestServer['requests']
}

/** Registers the file's hooks; the returned object is usable inside tests. */
export function useCliServer(bucket: string, name: string): CliServer {
  let server: TestServer | undefined
  let dir: string | undefined
  before(async () => {
    server = await startTestServer({ port: 0, token: `${name}-token`, org: `${name}-org`, buckets: [bucket] })
    dir = await mkdtemp(join(tmpdir(), `influx-async-${name}-`))
  })
  after(async () => {
    await server?.close()
    if (dir !== undefined) await rm(dir, { recursive: true, force: true })
  })
  beforeEach(() => server?.reset())
  const fixture: CliServer = {
    get server(): TestServer {
      if (server === undefined) throw new Error('the CLI test server is used before it started')
      return server
    },
    get dir(): string {
      if (dir === undefined) throw new Error('the scratch directory is used before it was made')
      return dir
    },
    connection: () => [
      '--host',
      fixture.server.url,
      '--token',
      fixture.server.token,
      '--org',
      fixture.server.org,
      '--bucket',
      bucket,
    ],
    file: async (fileName, content) => {
      const path = join(fixture.dir, fileName)
      await writeFile(path, content)
      return path
    },
    held: () => fixture.server.points(bucket).map(describePoint).sort(),
    writeRequests: () => fixture.server.requests.filter((r) => r.path === '/api/v2/write'),
  }
  return fixture
}

function describePoint(p: StoredPoint): string {
  const tags = Object.entries(p.tags)
    .map(([k, v]) => `${k}=${v}`)
    .join(',')
  const fields = Object.entries(p.fields)
    .map(
      ([k, v]) =>
        `${k}=${typeof v === 'bigint' ? `${v}${p.fieldTypes[k] === 'unsigned' ? 'u' : 'i'}` : JSON.stringify(v)}`,
    )
    .join(',')
  return `${p.measurement}${tags === '' ? '' : `,${tags}`} ${fields} ${p.time}`
}
