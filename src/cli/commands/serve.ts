import type { Command } from 'commander';
import { InputError } from '../../core/index.js';
import { CliError } from '../errors.js';
import { createReplicationPool } from '../../sim/node/pool.js';
import { createApp, createWorkPool, startServer } from '../../server/index.js';
import { defaultStorePath, openStore, type RunStore } from '../../store/index.js';

interface ServeOptions {
  port: string;
  host: string;
  db: string;
  allowOrigin: string[];
  token?: string;
  workers?: string;
  queue: string;
  requestTimeout: string;
  workerMemory: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** `colossus serve [--port N] [--host H] [--db FILE]`: the HTTP API and the dashboard. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Serve the HTTP API (/api/...) and the web dashboard (planner, campaigns, validation)')
    .option('--port <n>', 'TCP port (0 = any free port)', '8080')
    .option('--host <h>', 'address to listen on (127.0.0.1 = this machine only)', '127.0.0.1')
    .option('--db <file>', 'run store (SQLite) for the campaign endpoints and view', defaultStorePath)
    .option('--allow-origin <origin>', 'also accept requests from this origin, e.g. https://plans.example.com (repeatable)', (v: string, all: string[]) => [...all, v], [] as string[])
    .option('--workers <n>', 'worker threads for estimate/search/simulate/runs requests (default: CPUs - 1, at most 4)')
    .option('--queue <n>', 'requests that may wait for a worker; more are answered 429', '16')
    .option('--request-timeout <s>', 'longest one request may compute, seconds (then 503)', '120')
    .option('--worker-memory <mb>', 'heap limit of each worker thread, MB (over it: 503)', '2048')
    .option('--token <token>', 'require this token on every request but /api/health (or set COLOSSUS_TOKEN); for a server bound beyond loopback')
    .addHelpText('after', '\nExample:\n  colossus serve --port 8080   # then open http://127.0.0.1:8080/')
    .action(async (opts: ServeOptions) => {
      await serveCommand(opts);
    });
}

async function serveCommand(opts: ServeOptions): Promise<void> {
  const port = Number(opts.port);
  if (!/^\d+$/.test(opts.port.trim()) || !Number.isInteger(port) || port > 65535) {
    throw new InputError([{ path: '--port', message: 'is not a valid port', expected: 'an integer from 0 to 65535', received: JSON.stringify(opts.port) }]);
  }
  for (const o of opts.allowOrigin) {
    let ok = false;
    try {
      const u = new URL(o);
      ok = (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === o.replace(/\/$/, '');
    } catch {
      ok = false;
    }
    if (!ok) throw new InputError([{ path: '--allow-origin', message: 'is not an origin', expected: 'scheme://host[:port], e.g. https://plans.example.com', received: JSON.stringify(o) }]);
  }
  const token = opts.token ?? (process.env.COLOSSUS_TOKEN || undefined);
  if (token !== undefined && token.length < 8) {
    throw new InputError([{ path: opts.token !== undefined ? '--token' : 'COLOSSUS_TOKEN', message: 'is too short to protect anything', expected: 'at least 8 characters' }]);
  }
  if (!LOOPBACK.has(opts.host) && token === undefined) {
    process.stderr.write(`colossus serve: warning: listening on ${opts.host} without a token: anyone who can reach it can start campaigns (use --token or COLOSSUS_TOKEN)\n`);
  }
  const positive = (text: string, name: string, min: number): number => {
    const n = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min) {
      throw new InputError([{ path: name, message: 'is not a valid number', expected: `an integer >= ${min}`, received: JSON.stringify(text) }]);
    }
    return n;
  };
  const work = createWorkPool({
    ...(opts.workers !== undefined ? { threads: positive(opts.workers, '--workers', 1) } : {}),
    maxQueue: positive(opts.queue, '--queue', 0),
    timeoutMs: positive(opts.requestTimeout, '--request-timeout', 1) * 1000,
    memoryMb: positive(opts.workerMemory, '--worker-memory', 64),
    storePath: opts.db,
  });
  let store: RunStore | undefined;
  const pool = createReplicationPool();
  const access = { allowOrigins: opts.allowOrigin.map((o) => o.replace(/\/$/, '')), ...(token !== undefined ? { token } : {}) };
  const app = createApp({ store: () => (store ??= openStore(opts.db)), runner: pool.run, access, pool: work });
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(app, { port, host: opts.host });
  } catch (err) {
    await pool.close();
    await work.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new CliError(`port ${port} on ${opts.host} is already in use (try --port 0 for any free port)`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EACCES') throw new CliError(`cannot listen on ${opts.host}:${port} (${code})`);
    throw err;
  }
  const open = token !== undefined ? `${server.url}/?token=…` : `${server.url}/`;
  process.stdout.write(`colossus: dashboard and API on ${open} (runs in ${opts.db}); Ctrl-C stops\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  await pool.close();
  await work.close();
  store?.close();
}
