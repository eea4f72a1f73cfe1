// eslint (flat config): typescript-eslint's recommended rules, tuned to the code as it is, plus
// kdlab's import-boundary rule (ARCHITECTURE.md "Rooms and their rules"; scripts/lint/import-boundaries.js).
import tseslint from 'typescript-eslint';
import kd from './scripts/lint/import-boundaries.js';
import house from './scripts/lint/house-rules.js';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/.turbo/**',
      'coverage/**',
      'datasets/**',
      'experiments/results/**',
      'experiments/runs/**',
      'demo/vendor/**',
      'demo/models/**',
      'tools/reference/**/*.py',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,mts,cts,js,mjs,cjs}'],
    plugins: { kd },
    rules: {
      'kd/import-boundaries': 'error',
      // `_`-prefixed names are the house's "deliberately unused" (a rest sibling dropped from a
      // result, an interface argument a loss ignores).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // `let [a, b] = …` where only one is reassigned stays one statement.
      'prefer-const': ['error', { destructuring: 'all' }],
    },
  },
  {
    files: ['experiments/src/experiments/*.ts'],
    ignores: ['**/*.test.ts'],
    plugins: { house },
    rules: { 'house/declarations-only': 'error' },
  },
  {
    files: ['packages/*/src/**/*.ts', 'experiments/src/**/*.ts'],
    ignores: [
      'packages/distill/**',
      '**/*.test.ts',
      '**/testing/**',
      'packages/bench/src/profile/**',
      'experiments/src/commands/bench/**',
      'experiments/src/device/**',
      // doc comments only
      'packages/losses/src/seeds/ka/knowledge-adaptation.ts',
    ],
    plugins: { house },
    rules: { 'house/one-trainer': 'error' },
  },
  {
    // Tests read JSON of free shape (model.json, package manifests) and poke at it.
    files: ['**/*.test.ts', 'scripts/pack-install/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
