/**
 * Counts every test that did not run (skipped, todo, or skipped by `ctx.skip`) and prints one summary
 * line naming each with its reason, so a test that cannot run here says so and is counted. With
 * COLOSSUS_NO_SKIPS=1 (set by .ci/run) any skipped test fails the run: CI proves that every test ran.
 */
import { relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

export interface SkippedTest {
  file: string;
  name: string;
  mode: string;
  note: string | undefined;
}

/** Every test in these modules whose result is "skipped", in file order. */
export function skippedTests(modules: ReadonlyArray<TestModule>, root: string): SkippedTest[] {
  const out: SkippedTest[] = [];
  for (const m of modules) {
    for (const t of m.children.allTests()) {
      const r = t.result();
      if (r.state !== 'skipped') continue;
      out.push({ file: relative(root, m.moduleId), name: t.fullName, mode: t.options.mode, note: r.note });
    }
  }
  return out;
}

export default class SkipReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const strict = process.env['COLOSSUS_NO_SKIPS'] === '1';
    const skipped = skippedTests(modules, process.cwd());
    const lines = [`skipped tests: ${skipped.length}${strict ? ' (COLOSSUS_NO_SKIPS=1: every test must run)' : ''}`];
    for (const s of skipped) lines.push(`  ${s.file} > ${s.name} [${s.mode}]${s.note ? ` — ${s.note}` : ''}`);
    process.stdout.write(`${lines.join('\n')}\n`);
    if (strict && skipped.length > 0) {
      process.stderr.write(`error: ${skipped.length} test(s) skipped under COLOSSUS_NO_SKIPS=1; install what they need (see .ci/run) or make them runnable\n`);
      process.exitCode = 1;
    }
  }
}
