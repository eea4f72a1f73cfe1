import path from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints one plain closing line, `N passed, M failed[, K skipped]`, for CI log readers, after one
 * `skipped: <file> > <suite or test>` line per skipped suite or test (their names say what they need).
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, errors: ReadonlyArray<unknown>): void {
    let passed = 0,
      failed = 0,
      skipped = 0;
    const reasons = new Set<string>();
    for (const m of modules) {
      for (const t of m.children.allTests()) {
        const s = t.result().state;
        if (s === 'passed') passed++;
        else if (s === 'failed') failed++;
        else {
          skipped++;
          // One line per skipped suite or test: its name states what it needs (e.g. "(needs ../shared/weights)").
          const where = t.parent.type === 'suite' && t.parent.options.mode === 'skip' ? t.parent.fullName : t.fullName;
          reasons.add(`skipped: ${path.relative(process.cwd(), t.module.moduleId)} > ${where}`);
        }
      }
      if (m.state() === 'failed' && [...m.children.allTests()].length === 0) failed++;
    }
    failed += errors.length;
    for (const r of reasons) console.log(r);
    console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  }
}
