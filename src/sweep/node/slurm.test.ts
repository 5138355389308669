/**
 * The Slurm path for real: a one-node Slurm (slurmctld + slurmd, auth/none, loopback, private
 * ports and directories) runs deploy/slurm-array.sbatch as a job array, a dependent job merges
 * the shards, and the merge must equal an unsharded run byte for byte.
 *
 * Runs when Slurm is installed (Debian: `apt-get install slurm-wlm`), we are root, dist/ is built,
 * and the daemons come up within a few seconds; otherwise it is skipped and says why. With
 * COLOSSUS_SLURM_TEST=1 a Slurm that cannot start fails the test instead of skipping it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, hostname, tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { serializeRow } from '../row.js';
import { runPoint } from '../run-point.js';
import { SMALL_SWEEP_YAML, smallSweep } from '../_test-sweep.js';

const forced = process.env['COLOSSUS_SLURM_TEST'] === '1';
const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'bin', 'colossus.js');
const template = join(root, 'deploy', 'slurm-array.sbatch');
const START_TIMEOUT_MS = 15_000;
const JOBS_TIMEOUT_MS = 120_000;
const SHARDS = 3;

function onPath(cmd: string): boolean {
  return (process.env['PATH'] ?? '').split(delimiter).some((d) => d !== '' && existsSync(join(d, cmd)));
}

/** Why this machine cannot run the test, or undefined. */
function unavailable(): string | undefined {
  const missing = ['slurmctld', 'slurmd', 'sbatch', 'scontrol', 'squeue'].filter((c) => !onPath(c));
  if (missing.length) return `Slurm is not installed (${missing.join(', ')} not on PATH; Debian: apt-get install slurm-wlm)`;
  if (process.getuid?.() !== 0) return 'slurmd must run as root to start jobs';
  if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) return 'dist/ is not built (npm run build)';
  return undefined;
}

const why = unavailable();
const daemons: ChildProcess[] = [];
let conf = '';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function slurm(cmd: string, args: string[], cwd?: string) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, SLURM_CONF: conf }, timeout: 10_000, ...(cwd ? { cwd } : {}) });
  return { code: r.status, out: r.stdout ?? '', err: r.stderr ?? '' };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Write a minimal slurm.conf into `dir` and start both daemons in the foreground (children of this process). */
async function startSlurm(dir: string): Promise<string | undefined> {
  const [ctldPort, slurmdPort] = [await freePort(), await freePort()];
  const host = hostname().split('.')[0] as string;
  for (const d of ['state', 'spool']) mkdirSync(join(dir, d));
  conf = join(dir, 'slurm.conf');
  writeFileSync(
    conf,
    `ClusterName=colossustest
SlurmctldHost=${host}(127.0.0.1)
SlurmctldPort=${ctldPort}
SlurmdPort=${slurmdPort}
SlurmUser=root
SlurmdUser=root
AuthType=auth/none
CredType=cred/none
StateSaveLocation=${dir}/state
SlurmdSpoolDir=${dir}/spool
SlurmctldPidFile=${dir}/slurmctld.pid
SlurmdPidFile=${dir}/slurmd.pid
SlurmctldLogFile=${dir}/slurmctld.log
SlurmdLogFile=${dir}/slurmd.log
ProctrackType=proctrack/pgid
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
MailProg=/bin/true
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmdParameters=config_overrides
ReturnToService=2
NodeName=colossusnode NodeAddr=127.0.0.1 NodeHostname=colossusnode CPUs=${Math.max(1, availableParallelism())} RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
`,
  );
  const env = { ...process.env, SLURM_CONF: conf };
  daemons.push(spawn('slurmctld', ['-D', '-i', '-f', conf], { env, stdio: 'ignore' }));
  daemons.push(spawn('slurmd', ['-D', '-f', conf, '-N', 'colossusnode'], { env, stdio: 'ignore' }));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (daemons.some((d) => d.exitCode !== null)) break;
    if (/^idle/m.test(slurm('sinfo', ['-h', '-o', '%T']).out)) return undefined;
    await sleep(250);
  }
  const log = (f: string): string => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8').split('\n').filter((l) => /error|fatal/i.test(l)).slice(-3).join(' | ') : '');
  const exited = daemons.filter((d) => d.exitCode !== null).map((d) => `${d.spawnfile} exited with code ${d.exitCode}`);
  const what = exited.length ? exited.join(', ') : `not up within ${START_TIMEOUT_MS / 1000} s`;
  return `Slurm did not start: ${what} (slurmctld log: ${log('slurmctld.log') || 'no errors'}; slurmd log: ${log('slurmd.log') || 'no errors'})`;
}

afterAll(async () => {
  if (conf) slurm('scontrol', ['shutdown']);
  for (const d of daemons) {
    for (let i = 0; i < 20 && d.exitCode === null && d.signalCode === null; i++) await sleep(100);
    if (d.exitCode === null && d.signalCode === null) d.kill('SIGKILL');
  }
});

function jobState(id: string): { state: string; reason: string } {
  const out = slurm('scontrol', ['show', 'job', '-o', id]).out;
  // An array shows one line per task; report the first unfinished state, else COMPLETED.
  const states = [...out.matchAll(/JobState=(\S+)/g)].map((m) => m[1] as string);
  const reasons = [...out.matchAll(/Reason=(\S+)/g)].map((m) => m[1] as string);
  const pending = states.find((s) => s !== 'COMPLETED');
  return { state: states.length === 0 ? 'UNKNOWN' : (pending ?? 'COMPLETED'), reason: reasons.join(',') };
}

describe('sweep under Slurm', () => {
  it.skipIf(why !== undefined && !forced)(
    `a job array of ${SHARDS} shards and a dependent merge give the unsharded rows${why ? ` — skipped: ${why}` : ''}`,
    async (ctx) => {
      if (why) throw new Error(`COLOSSUS_SLURM_TEST=1 but ${why}`);
      const t0 = Date.now();
      const dir = mkdtempSync(join(tmpdir(), 'colossus-slurm-'));
      const failure = await startSlurm(dir);
      if (failure) {
        if (forced) throw new Error(failure);
        ctx.skip(failure);
      }
      const startedS = (Date.now() - t0) / 1000;

      const work = join(dir, 'work');
      mkdirSync(join(work, 'results'), { recursive: true });
      writeFileSync(join(work, 'sweep.yaml'), SMALL_SWEEP_YAML);
      const env = { COLOSSUS: `${process.execPath} ${bin}`, SWEEP: 'sweep.yaml', RESULTS: 'results' };
      const exported = `ALL,${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(',')}`;
      const array = slurm('sbatch', ['--parsable', `--array=0-${SHARDS - 1}`, '--cpus-per-task=1', `--chdir=${work}`, `--export=${exported}`, template], work);
      expect(array.code, array.err).toBe(0);
      const arrayId = array.out.trim().split(';')[0] as string;
      const merge = slurm(
        'sbatch',
        [
          '--parsable', `--dependency=afterok:${arrayId}`, '--job-name=colossus-merge', `--chdir=${work}`, '--output=results/merge.out',
          `--wrap=${process.execPath} ${bin} sweep merge results/sweep.jsonl ${Array.from({ length: SHARDS }, (_, i) => `results/shard-${i}.jsonl`).join(' ')}`,
        ],
        work,
      );
      expect(merge.code, merge.err).toBe(0);
      const mergeId = merge.out.trim().split(';')[0] as string;

      const deadline = Date.now() + JOBS_TIMEOUT_MS;
      let state = jobState(mergeId);
      while (Date.now() < deadline && !['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'NODE_FAIL', 'OUT_OF_MEMORY'].includes(state.state)) {
        if (state.reason.includes('DependencyNeverSatisfied')) break;
        await sleep(250);
        state = jobState(mergeId);
      }
      const logs = (): string =>
        ['merge.out', ...Array.from({ length: SHARDS }, (_, i) => `slurm-${arrayId}_${i}.out`)]
          .map((f) => join(work, 'results', f))
          .filter(existsSync)
          .map((f) => `${f}:\n${readFileSync(f, 'utf8')}`)
          .join('\n');
      expect(state.state, `merge job ${mergeId}: ${state.state} (${state.reason}); array ${arrayId}: ${jobState(arrayId).state}\n${logs()}`).toBe('COMPLETED');

      const sweep = smallSweep();
      const unsharded = Array.from({ length: sweep.points }, (_, k) => `${serializeRow(runPoint(sweep, k))}\n`).join('');
      expect(readFileSync(join(work, 'results', 'sweep.jsonl'), 'utf8')).toBe(unsharded);
      for (let i = 0; i < SHARDS; i++) expect(readFileSync(join(work, 'results', `slurm-${arrayId}_${i}.out`), 'utf8')).toMatch(new RegExp(`shard ${i}/${SHARDS}`));
      process.stderr.write(`slurm: daemons up in ${startedS.toFixed(1)} s; array + merge done in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    },
    START_TIMEOUT_MS + JOBS_TIMEOUT_MS + 30_000,
  );
});
