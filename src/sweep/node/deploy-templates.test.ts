import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

// The cluster templates are not run here (except Slurm, in slurm.test.ts); this keeps them consistent.
const read = (p: string): string => readFileSync(fileURLToPath(new URL(`../../../${p}`, import.meta.url)), 'utf8');

describe('deploy templates', () => {
  it('the Indexed Job runs shard JOB_COMPLETION_INDEX of completions, and a suspended merge job', () => {
    const docs = parseAllDocuments(read('deploy/k8s-indexed-job.yaml')).map((d) => d.toJS() as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(docs.map((d) => d['kind'])).toEqual(['PersistentVolumeClaim', 'Job', 'Job']);
    const [, job, merge] = docs;
    expect(job?.spec.completionMode).toBe('Indexed');
    const c = job?.spec.template.spec.containers[0];
    expect(c.env.find((e: { name: string }) => e.name === 'SHARDS').value).toBe(String(job?.spec.completions));
    expect(job?.spec.parallelism).toBe(job?.spec.completions);
    expect(c.args[0]).toMatch(/colossus sweep \/config\/sweep\.yaml --shard "\$JOB_COMPLETION_INDEX\/\$SHARDS" --out "\/results\/shard-\$JOB_COMPLETION_INDEX\.jsonl"/);
    expect(merge?.spec.suspend).toBe(true);
    expect(merge?.spec.template.spec.containers[0].args[0]).toMatch(/colossus sweep merge --out \/results\/sweep\.jsonl \/results\/shard-\*\.jsonl/);
  });

  it('the image the Indexed Job runs is built by deploy/Containerfile (Node 20, colossus on PATH)', () => {
    const docs = parseAllDocuments(read('deploy/k8s-indexed-job.yaml')).map((d) => d.toJS() as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any
    const images = new Set(docs.slice(1).map((d) => d['spec'].template.spec.containers[0].image as string));
    const cf = read('deploy/Containerfile');
    expect(cf).toMatch(/^FROM \S*node:20\S* AS build$/m);
    expect(cf).toMatch(/npm ci/);
    expect(cf).toMatch(/ln -s \S+\/bin\/colossus\.js \/usr\/local\/bin\/colossus/);
    for (const image of images) expect(cf).toContain(`-t ${image} .`);
    expect(read('.dockerignore')).toMatch(/^node_modules$/m);
  });

  it('the Slurm array runs shard SLURM_ARRAY_TASK_ID of SLURM_ARRAY_TASK_COUNT and documents the dependent merge', () => {
    const s = read('deploy/slurm-array.sbatch');
    expect(s).toMatch(/^#SBATCH --array=0-\d+$/m);
    expect(s).toMatch(/COUNT=\$\{SHARD_COUNT:-\$SLURM_ARRAY_TASK_COUNT\}/);
    expect(s).toMatch(/--shard "\$SLURM_ARRAY_TASK_ID\/\$COUNT"/);
    expect(s).toMatch(/sbatch --dependency=afterok:\$jid .*\n.*colossus sweep merge --out results\/sweep\.jsonl results\/shard-\*\.jsonl/);
  });
});
