// The package as a user installs it: `npm pack`, then the tarball checked by publint and @arethetypeswrong/cli and
// installed into throwaway consumer projects of every module kind. Each project compiles with the settings that
// docs/setup.md gives and runs against the embedded test server, so the docs, the exports map and the declarations
// cannot drift apart. Runs on whichever Node runs the suite (CI: every supported line and the lowest engines version).
import { before, after, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, symlinkSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)
const root = new URL('../../', import.meta.url).pathname
const bin = (name: string): string => join(root, 'node_modules', '.bin', name)
let work = ''
let tarball = ''

/** Runs a command; resolves with its stdout, followed by its stderr unless `stdoutOnly`. */
async function sh(file: string, args: string[], cwd: string, stdoutOnly = false): Promise<string> {
  try {
    const { stdout, stderr } = await run(file, args, {
      cwd,
      maxBuffer: 64 << 20,
      env: { ...process.env, NODE_OPTIONS: '' },
    })
    return stdoutOnly ? stdout : stdout + stderr
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string }
    throw new Error(
      `${file} ${args.join(' ')} failed in ${cwd}:\n${err.stdout ?? ''}${err.stderr ?? ''}${err.message}`,
      { cause: e },
    )
  }
}

/** A consumer project with the tarball installed by npm, plus the repo's typescript and @types/node linked in. */
async function project(name: string, packageJson: object, files: Record<string, string>): Promise<string> {
  const dir = join(work, name)
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, ...packageJson }, null, 2))
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(dir, file, '..'), { recursive: true })
    writeFileSync(join(dir, file), text)
  }
  await sh('npm', ['install', '--offline', '--no-audit', '--no-fund', '--no-package-lock', tarball], dir)
  mkdirSync(join(dir, 'node_modules', '@types'), { recursive: true })
  symlinkSync(join(root, 'node_modules', '@types', 'node'), join(dir, 'node_modules', '@types', 'node'))
  return dir
}

const tsc = (dir: string, config = 'tsconfig.json'): Promise<string> =>
  sh(process.execPath, [bin('tsc'), '-p', config], dir)
const node = (dir: string, file: string): Promise<string> => sh(process.execPath, [file], dir)

/** docs/setup.md's tsconfig, with the module kind of the project. */
const setupTsconfig = (module: string, extra: object = {}): string =>
  JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      module,
      lib: ['ES2022', 'ESNext.Disposable'],
      types: ['node'],
      strict: true,
      skipLibCheck: false,
      outDir: 'out',
      ...extra,
    },
    include: ['src'],
  })

// Writes a point to the test server with `await using`, and checks that both entries share one class.
const consumerSource = (importLines: string): string => `${importLines}

async function main(): Promise<void> {
  await using server = await startTestServer()
  await using client = new InfluxDBClientAsync({ url: server.url, token: server.token, org: server.org })
  await client.writeApi().write('test-bucket', undefined, new Point('cpu').tag('host', 'a').field('usage', 1.5).time(1n))
  if (server.count('test-bucket', { measurement: 'cpu' }) !== 1) throw new Error('point not stored')
  const failed = await client.writeApi().write('test-bucket', undefined, 'cpu usage="text"').catch((e: unknown) => e)
  if (!(failed instanceof InfluxDBError) || failed.statusCode !== 422) throw new Error('expected an InfluxDBError 422')
  console.log('consumer ok')
}
void main().catch((e: unknown) => { console.error(e); process.exitCode = 1 })
`

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'influx-package-'))
  const out = await sh('npm', ['pack', '--json', '--pack-destination', work], root, true)
  const packed = JSON.parse(out.slice(out.indexOf('['))) as { filename: string }[]
  const [first] = packed
  assert.ok(first !== undefined, out)
  tarball = join(work, first.filename)
})
after(() => {
  if (work !== '') rmSync(work, { recursive: true, force: true })
})

test('publint finds nothing to report in the packed tarball', async () => {
  const out = await sh(process.execPath, [bin('publint'), '--strict', tarball], work)
  assert.match(out, /All good!/)
})

test('@arethetypeswrong/cli: every entry resolves for node10, node16 from CJS and ESM, and bundlers', async () => {
  const out = await sh(process.execPath, [bin('attw'), '--format', 'json', tarball], work, true)
  const report = JSON.parse(out) as {
    analysis: { problems: unknown[]; entrypoints: Record<string, { resolutions: Record<string, unknown> }> }
  }
  assert.deepEqual(report.analysis.problems, [])
  assert.deepEqual(Object.keys(report.analysis.entrypoints).sort(), ['.', './compat', './package.json', './testing'])
})

test('an ES-module TypeScript project (nodenext, docs/setup.md settings) compiles and runs', async () => {
  const dir = await project(
    'esm-ts',
    { type: 'module' },
    {
      'tsconfig.json': setupTsconfig('nodenext'),
      'src/main.ts': consumerSource(`import { InfluxDBClientAsync, InfluxDBError, Point } from 'influxdb-client-async'
import { startTestServer } from 'influxdb-client-async/testing'`),
    },
  )
  await tsc(dir)
  assert.match(await node(dir, 'out/main.js'), /consumer ok/)
})

test('a project made by tsc --init, with the two changes docs/setup.md names, compiles and runs on this Node', async () => {
  const dir = await project(
    'tsc-init',
    { type: 'module' },
    {
      'src/main.ts': consumerSource(`import { InfluxDBClientAsync, InfluxDBError, Point } from 'influxdb-client-async'
import { startTestServer } from 'influxdb-client-async/testing'`),
    },
  )
  await sh(process.execPath, [bin('tsc'), '--init'], dir)
  // tsconfig.json as tsc --init writes it, comments and trailing commas included: edit the two values in place.
  const initial = readFileSync(join(dir, 'tsconfig.json'), 'utf8')
  const edited = initial.replace('"types": []', '"types": ["node"]').replace('"target": "esnext"', '"target": "ES2022"')
  assert.notEqual(edited.indexOf('"types": ["node"]'), -1)
  assert.notEqual(edited.indexOf('"target": "ES2022"'), -1)
  writeFileSync(
    join(dir, 'tsconfig.json'),
    edited.replace('"compilerOptions": {', '"compilerOptions": {\n    "rootDir": "src", "outDir": "out",'),
  )
  await tsc(dir)
  assert.match(await node(dir, 'out/main.js'), /consumer ok/)
})

test('a CommonJS TypeScript project (nodenext) compiles to require() and runs', async () => {
  const dir = await project(
    'cjs-ts',
    { type: 'commonjs' },
    {
      'tsconfig.json': setupTsconfig('nodenext', { esModuleInterop: true }),
      'src/main.ts': consumerSource(`import { InfluxDBClientAsync, InfluxDBError, Point } from 'influxdb-client-async'
import { startTestServer } from 'influxdb-client-async/testing'`),
    },
  )
  await tsc(dir)
  assert.match(readFileSync(join(dir, 'out/main.js'), 'utf8'), /require\("influxdb-client-async"\)/)
  assert.match(await node(dir, 'out/main.js'), /consumer ok/)
})

test('node16 projects of both kinds and a bundler project type-check against the declarations', async () => {
  const source = consumerSource(`import { InfluxDBClientAsync, InfluxDBError, Point } from 'influxdb-client-async'
import { startTestServer } from 'influxdb-client-async/testing'`)
  const esm = await project(
    'node16-esm',
    { type: 'module' },
    { 'tsconfig.json': setupTsconfig('node16'), 'src/main.ts': source },
  )
  await tsc(esm)
  const cjs = await project(
    'node16-cjs',
    { type: 'commonjs' },
    { 'tsconfig.json': setupTsconfig('node16'), 'src/main.ts': source },
  )
  await tsc(cjs)
  assert.match(await node(cjs, 'out/main.js'), /consumer ok/)
  const bundler = await project(
    'bundler',
    { type: 'module' },
    {
      'tsconfig.json': setupTsconfig('preserve', { moduleResolution: 'bundler', noEmit: true }),
      'src/main.ts': source,
    },
  )
  await tsc(bundler)
})

test('type test: misspelt record keys, internals and wrong names are compile errors; correct code compiles', async () => {
  const fixture = readFileSync(new URL('fixtures/public-types.ts', import.meta.url), 'utf8')
  const dir = await project(
    'types',
    { type: 'module' },
    {
      'tsconfig.json': setupTsconfig('nodenext', { noEmit: true }),
      'src/public-types.ts': fixture,
    },
  )
  await tsc(dir)
  // The check can fail: one expected error that no longer occurs is reported.
  writeFileSync(
    join(dir, 'src/public-types.ts'),
    fixture.replace("{ measurment: 'cpu', fields: { usage: 1 } })", "{ measurement: 'cpu', fields: { usage: 1 } })"),
  )
  await assert.rejects(tsc(dir), /Unused '@ts-expect-error' directive/)
})

// BatchWriter.nodeWritable() returns a node:stream Writable, so only skipLibCheck lets the declarations load without
// @types/node (that method's type is then unresolved); everything else resolves from lib DOM and ESNext.Disposable.
test('without @types/node, the main entry type-checks with lib DOM, ESNext.Disposable and skipLibCheck', async () => {
  const dir = await project(
    'no-node-types',
    { type: 'module' },
    {
      'tsconfig.json': JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'nodenext',
          lib: ['ES2022', 'DOM', 'ESNext.Disposable'],
          types: [],
          strict: true,
          skipLibCheck: true,
          noEmit: true,
        },
        include: ['src'],
      }),
      'src/main.ts': `import { InfluxDBClientAsync, Point } from 'influxdb-client-async'
export async function write(): Promise<void> {
  await using client = new InfluxDBClientAsync({ url: 'http://localhost:8086', token: 't', org: 'o' })
  await client.writeApi().write('b', undefined, new Point('cpu').field('usage', 1.5))
  // @ts-expect-error the record types are still checked
  await client.writeApi().write('b', undefined, { measurment: 'cpu', fields: { usage: 1 } })
}
`,
    },
  )
  await tsc(dir)
})

test('plain JavaScript: require() and import share one copy of every class, /compat loads too; the CLI bin runs', async () => {
  const dir = await project(
    'plain-js',
    { type: 'commonjs' },
    {
      'main.js': `const { InfluxDBClientAsync, InfluxDBError, Point } = require('influxdb-client-async')
const { startTestServer } = require('influxdb-client-async/testing')
async function main() {
  const esm = await import('influxdb-client-async')
  if (esm.InfluxDBError !== InfluxDBError || esm.Point !== Point) throw new Error('two copies of the classes')
  if (typeof require('influxdb-client-async/compat').InfluxDB !== 'function') throw new Error('no compat InfluxDB')
  const server = await startTestServer()
  const client = new InfluxDBClientAsync({ url: server.url, token: server.token, org: server.org })
  try {
    await client.writeApi().write('test-bucket', undefined, new Point('cpu').field('usage', 1.5).time(1n))
    const failed = await client.writeApi().write('test-bucket', undefined, 'cpu usage="x"').catch((e) => e)
    if (!(failed instanceof esm.InfluxDBError)) throw new Error('error class differs between require and import')
    console.log('points', server.count('test-bucket'))
  } finally {
    await client.close()
    await server.close()
  }
}
main().catch((e) => { console.error(e); process.exitCode = 1 })
`,
    },
  )
  const out = await node(dir, 'main.js')
  assert.match(out, /points 1/)
  assert.doesNotMatch(out, /ExperimentalWarning/)
  const help = await sh(join(dir, 'node_modules', '.bin', 'influx-async'), ['--help'], dir)
  assert.match(help, /influx-async/)
})
