// Plain JavaScript copies of src/ and of some bench files, for measurements that a TypeScript
// loader would distort: tsx alone adds about 35 MB of RSS and most of a second of start-up to a
// process, which a user running the built package never pays. Transpiled with the declared
// `typescript` package, file by file (imports already end in .js), under node_modules/.cache/.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))

/**
 * Where the JavaScript copies go: `<dir>/src/...`, `<dir>/bench/...`. One directory per checkout:
 * worktrees share `node_modules`, and a bench in one must not run another's copies.
 */
export const JS_DIR = join(
  root,
  'node_modules',
  '.cache',
  `influxdb-client-async-bench-${createHash('sha256').update(root).digest('hex').slice(0, 8)}`,
)

/** Transpiles src/ and the named bench files into {@link JS_DIR}, keeping the layout. */
export async function transpileForBench(benchFiles: readonly string[]): Promise<void> {
  const ts = (await import('typescript')).default
  const files = [...tsFiles(join(root, 'src')), ...benchFiles.map((f) => join(root, 'bench', f))]
  for (const file of files) {
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      fileName: file,
    })
    const target = join(JS_DIR, relative(root, file)).replace(/\.ts$/, '.js')
    mkdirSync(dirname(target), { recursive: true })
    writeFileSync(target, outputText)
  }
  writeFileSync(join(JS_DIR, 'package.json'), '{"type":"module"}\n')
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name)
    if (statSync(full).isDirectory()) return tsFiles(full)
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [full] : []
  })
}
