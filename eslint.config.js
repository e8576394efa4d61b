// ESLint: typescript-eslint's type-checked rules over everything tsconfig.json compiles,
// plain recommended rules over the repository's JavaScript files.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'tools/runtimes/node_modules/',
      'tools/node-lines/node_modules/',
      '.servers/',
      '.prof/',
      'tmp/',
      'docs/api/',
      // compiled by test/package against the packed declarations, not by the repository's tsconfig
      'test/package/fixtures/',
    ],
  },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // node:test's test() and describe() return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] },
          ],
        },
      ],
      // A promise rejects with what was caught or with an AbortSignal's reason, unchanged: the caller
      // chose that value. Values of a known non-Error type are still reported.
      '@typescript-eslint/prefer-promise-reject-errors': [
        'error',
        { allowThrowingAny: true, allowThrowingUnknown: true },
      ],
      // CONTRIBUTING.md, "Private members": `#` for members only the class uses; `private` only on constructors.
      'no-restricted-syntax': [
        'error',
        {
          selector: ':matches(PropertyDefinition, MethodDefinition[kind!="constructor"])[accessibility="private"]',
          message: 'A member only its class uses is a # member; TypeScript `private` is kept for constructors.',
        },
        {
          selector: 'TSParameterProperty[accessibility="private"]',
          message: 'A member only its class uses is a # member, declared in the class body.',
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' },
    },
  },
)
