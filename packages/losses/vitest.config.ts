import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'losses', include: ['src/**/*.test.ts'] } });
