// Each exported name means one thing in the whole package: no two modules under src/ declare an
// export of the same name. compat/ is the exception on purpose: it mirrors the names of
// @influxdata/influxdb-client (Point, PointSettings, ClientOptions) on its own entry point.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import ts from 'typescript'

const root = new URL('../..', import.meta.url).pathname
const MIRRORED = 'src/compat/'

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name)
    if (statSync(full).isDirectory()) return sources(full)
    return name.endsWith('.ts') ? [relative(root, full)] : []
  })
}

function declaredNames(file: string): Set<string> {
  const source = ts.createSourceFile(file, readFileSync(join(root, file), 'utf8'), ts.ScriptTarget.ES2022)
  const names = new Set<string>()
  for (const statement of source.statements) {
    const modifiers = ts.canHaveModifiers(statement) ? ts.getModifiers(statement) : undefined
    if (!modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue
    const named = statement as { name?: ts.Node }
    if (named.name !== undefined && ts.isIdentifier(named.name)) names.add(named.name.text)
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name)) names.add(declaration.name.text)
      }
    }
  }
  return names
}

test('no two modules under src/ declare an export of the same name', () => {
  const declaredIn = new Map<string, string[]>()
  for (const file of sources(join(root, 'src'))) {
    if (file.startsWith(MIRRORED)) continue
    for (const name of declaredNames(file)) declaredIn.set(name, [...(declaredIn.get(name) ?? []), file])
  }
  const twice = [...declaredIn]
    .filter(([, files]) => files.length > 1)
    .map(([name, files]) => `${name}: ${files.join(', ')}`)
  assert.deepEqual(twice, [])
})
