// ESLint (flat config): the recommended rules of ESLint and typescript-eslint, type-aware
// (they read tsconfig.json). Formatting is prettier's job, type errors tsc's.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'runs/**', '.stepq-cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // node:test's test()/describe() return promises the runner awaits itself.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] },
          ],
        },
      ],
      // Misreads `a ?? (b as T)` and its fix changes inferred types (tsc then fails).
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // `let { state, observation }` with only `state` reassigned stays one declaration.
      'prefer-const': ['error', { destructuring: 'all' }],
      // Async functions without await are how Promise-returning contracts are implemented.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    // Tests inspect parsed JSON (CLI output, files on disk) whose type is `any` on purpose.
    files: ['**/*.test.ts', 'src/testing/**', 'src/**/testing/**'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      // Messages of assertions may print any value; tests stub methods such as stdout.write.
      '@typescript-eslint/restrict-template-expressions': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['bin/**', 'scripts/**', 'examples/**', 'bench/**', '*.js'],
    languageOptions: { globals: globals.node },
  },
  { files: ['src/view/client/**'], languageOptions: { globals: globals.browser } },
);
