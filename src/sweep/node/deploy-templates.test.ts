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
    expect(merge?.spec.template.spec.containers[0].args[0]).toMatch(/colossus sweep merge \/results\/sweep\.jsonl \/results\/shard-\*\.jsonl/);
  });

  it('the Slurm array runs shard SLURM_ARRAY_TASK_ID of SLURM_ARRAY_TASK_COUNT and documents the dependent merge', () => {
    const s = read('deploy/slurm-array.sbatch');
    expect(s).toMatch(/^#SBATCH --array=0-\d+$/m);
    expect(s).toMatch(/COUNT=\$\{SHARD_COUNT:-\$SLURM_ARRAY_TASK_COUNT\}/);
    expect(s).toMatch(/--shard "\$SLURM_ARRAY_TASK_ID\/\$COUNT"/);
    expect(s).toMatch(/sbatch --dependency=afterok:\$jid .*\n.*colossus sweep merge results\/sweep\.jsonl results\/shard-\*\.jsonl/);
  });
});
