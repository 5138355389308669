import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Test-file order for mutation runs (vitest.stryker.config.ts): files that failed last time first,
 * then the shortest first. StrykerJS stops a mutant's run at its first failing test, and most
 * mutants are killed by a fast, exact test; vitest's own order (longest first, to fill its
 * workers) made every killed mutant wait for the slowest property test first.
 */
export class ShortFirstSequencer extends BaseSequencer {
  override sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const cache = this.ctx.cache;
    const key = (f: TestSpecification) => `${f.project.name}:${f.moduleId.slice(this.ctx.config.root.length + 1)}`;
    const rank = (f: TestSpecification): [number, number] => {
      const r = cache.getFileTestResults(key(f));
      if (r) return [r.failed ? 0 : 1, r.duration];
      return [1, cache.getFileStats(key(f))?.size ?? 0];
    };
    return Promise.resolve([...files].sort((a, b) => {
      const [fa, da] = rank(a);
      const [fb, db] = rank(b);
      return fa - fb || da - db;
    }));
  }
}
