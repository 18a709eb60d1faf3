// One ESLint setup for the whole repository: the recommended JavaScript and TypeScript rules,
// with the few exceptions this codebase makes on purpose, each with its reason.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'services/lib/src/gen/**', 'services/web/dist/**', 'deploy/**', 'bench-results/**', 'coverage/**', '.stack/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      // Unused names are errors, except those that say they are unused.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // Test helpers and JSON from the wire are typed loosely on purpose; production code is checked by tsc strict.
      '@typescript-eslint/no-explicit-any': 'off',
      // PostgreSQL text cannot hold U+0000, and mail parsing strips control characters: those regexes mean it.
      'no-control-regex': 'off',
    },
  },
  {
    // The chat widget runs in customers' browsers.
    files: ['services/ingest/widget/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: Object.fromEntries(
        ['window', 'document', 'location', 'localStorage', 'crypto', 'fetch', 'WebSocket', 'URL', 'FormData', 'setTimeout', 'clearTimeout', 'navigator', 'console'].map((name) => [name, 'readonly']),
      ),
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly', __dirname: 'readonly', process: 'readonly', console: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
