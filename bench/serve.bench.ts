/**
 * HTTP load: `colossus serve` in its own process on loopback, and this process sending POST
 * /api/estimate at a fixed rate (open loop: requests leave on schedule whether or not earlier ones
 * have answered) for a fixed time. Passes when the rate is held with no errors. Loopback only.
 *   npm run bench serve            (200 requests/s for 10 s)
 *   RATE=400 SECONDS=5 npm run bench serve
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RATE = Number(process.env['RATE'] ?? 200);
const SECONDS = Number(process.env['SECONDS'] ?? 10);
const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'colossus-serve-bench-'));
// The sources under test (dist/ may be stale); tsx only transforms at load time.
const entry = join(root, 'src/cli/main.ts');
const args = ['--import', 'tsx', '-e', `import(${JSON.stringify(entry)}).then((m) => m.main(['serve', '--port', '0', '--host', '127.0.0.1', '--db', ${JSON.stringify(join(dir, 'bench.db'))}]))`];
const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });

const url = await new Promise<string>((resolve, reject) => {
  let out = '';
  const timer = setTimeout(() => reject(new Error(`the server did not start: ${out}`)), 30_000);
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString();
    const m = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
    if (m?.[1]) {
      clearTimeout(timer);
      resolve(m[1]);
    }
  });
  child.once('exit', (code) => reject(new Error(`the server exited (${code}): ${out}`)));
});

const specFor = (gpus: number): string =>
  JSON.stringify({
    model: 'llama3-405b',
    system: { gpu: 'h100-sxm', gpus, scaleOutGbpsPerGpu: 400 },
    training: { seqLen: 8192, globalBatch: 2048, precision: 'bf16' },
    parallel: { tp: 8, pp: 16, dp: gpus / 128 },
  });
const bodies = [8192, 16384, 32768].map(specFor);
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/** One POST on a kept-alive loopback connection (node:http: lighter than fetch, so the sender is not the bottleneck). */
function post(path: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(path, url);
    const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function once(i: number): Promise<{ ms: number; ok: boolean; why?: string }> {
  const t0 = performance.now();
  try {
    const res = await post('/api/estimate', bodies[i % bodies.length]!);
    const json = JSON.parse(res.text) as { tokensPerSecPerGpu?: number };
    const ok = res.status === 200 && typeof json.tokensPerSecPerGpu === 'number';
    return ok ? { ms: performance.now() - t0, ok } : { ms: performance.now() - t0, ok, why: `HTTP ${res.status}` };
  } catch (err) {
    return { ms: performance.now() - t0, ok: false, why: (err as Error).message };
  }
}

// Warm-up (JIT, connections), not counted.
await Promise.all(Array.from({ length: 50 }, (_, i) => once(i)));

const total = Math.round(RATE * SECONDS);
const results: Promise<{ ms: number; ok: boolean; why?: string }>[] = [];
const start = performance.now();
let sent = 0;
let worstLagMs = 0;
await new Promise<void>((resolve) => {
  const tick = (): void => {
    const now = performance.now();
    const due = Math.min(total, Math.floor(((now - start) / 1000) * RATE) + 1);
    if (sent < due) worstLagMs = Math.max(worstLagMs, now - (start + (sent / RATE) * 1000));
    while (sent < due) results.push(once(sent++));
    if (sent >= total) resolve();
    else setTimeout(tick, 1);
  };
  tick();
});
const done = await Promise.all(results);
const wallS = (performance.now() - start) / 1000;
agent.destroy();
child.kill('SIGTERM');
rmSync(dir, { recursive: true, force: true });

const ms = done.map((d) => d.ms).sort((a, b) => a - b);
const q = (p: number): number => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))] ?? NaN;
const errors = done.filter((d) => !d.ok);
const heldRate = total / wallS;
process.stdout.write(
  `POST /api/estimate at ${RATE}/s for ${SECONDS} s on loopback: ${total} requests in ${wallS.toFixed(2)} s (${heldRate.toFixed(1)}/s), ${errors.length} errors\n` +
    `latency ms: p50 ${q(0.5).toFixed(2)}  p90 ${q(0.9).toFixed(2)}  p99 ${q(0.99).toFixed(2)}  max ${(ms.at(-1) ?? NaN).toFixed(2)}  (sender lag max ${worstLagMs.toFixed(1)} ms)\n`,
);
if (errors.length) process.stdout.write(`first error: ${errors[0]?.why}\n`);
const pass = errors.length === 0 && heldRate >= RATE * 0.95;
process.stdout.write(`target: ${RATE}/s held for ${SECONDS} s with no errors: ${pass ? 'met' : 'NOT met'}\n`);
process.exitCode = pass ? 0 : 1;
