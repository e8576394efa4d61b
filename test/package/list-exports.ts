// Lists the names an entry point exports, types included, as TypeScript sees them.
import ts from 'typescript'

export function declaredExports(entries: readonly string[]): Map<string, string[]> {
  const program = ts.createProgram([...entries], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
  })
  const checker = program.getTypeChecker()
  const result = new Map<string, string[]>()
  for (const entry of entries) {
    const source = program.getSourceFile(entry)
    if (source === undefined) throw new Error(`${entry}: not found`)
    const symbol = checker.getSymbolAtLocation(source)
    if (symbol === undefined) throw new Error(`${entry}: not a module`)
    result.set(
      entry,
      checker
        .getExportsOfModule(symbol)
        .map((s) => s.getName())
        .sort(),
    )
  }
  return result
}
