import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The real `colossus serve` (built by `npm test`), its POST routes in worker threads: /api/health
// stays fast while a search and a campaign compute (audit hole 3: they used to block it for seconds).
const bin = fileURLToPath(new URL('../../bin/colossus.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'colossus-load-'));
let child: ChildProcess;
let base = '';

async function startServe(args: string[]): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, [bin, 'serve', '--port', '0', '--db', join(dir, `${args.join('-') || 'runs'}.db`), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /on (http:\/\/[^/\s]+)\//.exec(out);
      if (m) resolve(m[1] as string);
    });
    proc.once('exit', (code) => reject(new Error(`serve exited ${code}`)));
  });
  return { proc, url };
}

const json = { 'content-type': 'application/json' };
const bigSearch = JSON.stringify({ model: 'deepseek-v3', system: { gpu: 'h100-sxm', gpus: 200_000 }, training: { seqLen: 4096, globalBatch: 15360 } });

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

beforeAll(async () => {
  ({ proc: child, url: base } = await startServe(['--workers', '2']));
});
afterAll(() => {
  child?.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

describe('colossus serve under load (worker pool)', () => {
  it('/api/health p99 < 50 ms while a search and a campaign run', async () => {
    const healthLatencies = async (n: number): Promise<number[]> => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        await (await fetch(`${base}/api/health`)).arrayBuffer();
        out.push(performance.now() - t0);
        await new Promise((r) => setTimeout(r, 10));
      }
      return out.sort((a, b) => a - b);
    };
    let stop = false;
    let searches = 0;
    let campaigns = 0;
    const loop = async (fn: () => Promise<Response>, count: () => void): Promise<void> => {
      while (!stop) {
        const r = await fn();
        expect([200, 201]).toContain(r.status);
        await r.arrayBuffer();
        count();
      }
    };
    const busy = [
      loop(() => fetch(`${base}/api/search?top=1`, { method: 'POST', headers: json, body: bigSearch }), () => searches++),
      loop(() => fetch(`${base}/api/runs`, { method: 'POST', headers: json, body: '{"bundled": true}' }), () => campaigns++),
    ];
    // The same client against the same server with nothing running: the machine's own floor.
    const idle = await healthLatencies(200);
    await new Promise((r) => setTimeout(r, 300));
    const latencies: number[] = [];
    let sawBoth = 0;
    const until = Date.now() + 6000;
    while (Date.now() < until || latencies.length < 200) {
      const t0 = performance.now();
      const res = await fetch(`${base}/api/health`);
      const body = (await res.json()) as { work: { running: number } };
      latencies.push(performance.now() - t0);
      if (body.work.running >= 2) sawBoth++;
      await new Promise((r) => setTimeout(r, 10));
    }
    stop = true;
    await Promise.all(busy);
    latencies.sort((a, b) => a - b);
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    const idleP99 = percentile(idle, 99);
    console.log(
      `health under load: n=${latencies.length} p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${(latencies.at(-1) ?? 0).toFixed(1)} ms; ` +
        `idle p99 ${idleP99.toFixed(1)} ms; both running in ${sawBoth} samples; ${searches} searches, ${campaigns} campaigns done`,
    );
    expect(sawBoth).toBeGreaterThan(latencies.length / 4);
    expect(campaigns + searches).toBeGreaterThan(1);
    // 50 ms on a machine whose idle p99 is normal; on a machine so loaded by others that even an idle
    // server's p99 is over 25 ms, at most twice that floor (in-thread work blocked health for seconds).
    expect(p99).toBeLessThan(Math.max(50, 2 * idleP99));
  }, 60_000);

  it('a full queue answers 429 with Retry-After; a client that goes away cancels its request', async () => {
    const { proc, url } = await startServe(['--workers', '1', '--queue', '1']);
    try {
      const answers = await Promise.all(Array.from({ length: 4 }, () => fetch(`${url}/api/runs`, { method: 'POST', headers: json, body: '{"bundled": true}' })));
      const codes = answers.map((r) => r.status).sort();
      expect(codes).toEqual([201, 201, 429, 429]);
      expect(answers.find((r) => r.status === 429)?.headers.get('retry-after')).toBe('5');
      const ctrl = new AbortController();
      const gone = fetch(`${url}/api/runs`, { method: 'POST', headers: json, body: '{"bundled": true}', signal: ctrl.signal }).catch(() => 'aborted');
      await new Promise((r) => setTimeout(r, 300));
      ctrl.abort();
      expect(await gone).toBe('aborted');
      await new Promise((r) => setTimeout(r, 300));
      const health = (await (await fetch(`${url}/api/health`)).json()) as { work: { cancelled: number; running: number } };
      expect(health.work.cancelled).toBe(1);
      expect(health.work.running).toBe(0);
    } finally {
      proc.kill('SIGTERM');
    }
  }, 60_000);

  it('a request over the time limit is stopped with a 503, and the server keeps answering', async () => {
    const { proc, url } = await startServe(['--workers', '1', '--request-timeout', '1']);
    try {
      const slow = JSON.stringify({ cluster: { gpu: 'h100-sxm', gpus: 10_000_000 }, job: { gpus: 10_000_000, days: 3650, stepTimeS: 10 }, reliability: { preset: 'llama3' }, replications: 10 });
      const res = await fetch(`${url}/api/simulate`, { method: 'POST', headers: json, body: slow });
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/longer than this server's 1 s limit/);
      expect((await fetch(`${url}/api/health`)).status).toBe(200);
      const ok = await fetch(`${url}/api/estimate`, { method: 'POST', headers: json, body: JSON.stringify({ model: 'llama3-8b', system: { gpu: 'h100-sxm', gpus: 8 }, training: { seqLen: 4096, globalBatch: 64 }, parallel: { tp: 1, pp: 1, dp: 8 } }) });
      expect(ok.status).toBe(200);
    } finally {
      proc.kill('SIGTERM');
    }
  }, 60_000);
});
