import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      'packages/*',
      'experiments',
      // eslint's import-boundary rule (scripts/lint/import-boundaries.js) on snippets at virtual paths.
      { test: { name: 'lint', include: ['scripts/lint/*.test.ts'], testTimeout: 120_000 } },
      // Packs core/runtime/nn/losses/models, installs the tarballs with npm into a temp project, compiles and runs it.
      {
        test: {
          name: 'pack-install',
          include: ['scripts/pack-install/*.test.ts'],
          testTimeout: 600_000,
          hookTimeout: 120_000,
          pool: 'forks',
        },
      },
    ],
    reporters: ['default', './scripts/summary-reporter.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    env: { TURBO_TELEMETRY_DISABLED: '1' },
  },
});
