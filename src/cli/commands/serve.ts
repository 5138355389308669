import type { Command } from 'commander';
import { InputError } from '../../core/index.js';
import { CliError } from '../errors.js';
import { createReplicationPool } from '../../sim/node/pool.js';
import { createApp, startServer } from '../../server/index.js';
import { defaultStorePath, openStore, type RunStore } from '../../store/index.js';

interface ServeOptions {
  port: string;
  host: string;
  db: string;
}

/** `colossus serve [--port N] [--host H] [--db FILE]`: the HTTP API and the dashboard. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Serve the HTTP API (/api/...) and the web dashboard (planner, campaigns, validation)')
    .option('--port <n>', 'TCP port (0 = any free port)', '8080')
    .option('--host <h>', 'address to listen on (127.0.0.1 = this machine only)', '127.0.0.1')
    .option('--db <file>', 'run store (SQLite) for the campaign endpoints and view', defaultStorePath)
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
  let store: RunStore | undefined;
  const pool = createReplicationPool();
  const app = createApp({ store: () => (store ??= openStore(opts.db)), runner: pool.run });
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(app, { port, host: opts.host });
  } catch (err) {
    await pool.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new CliError(`port ${port} on ${opts.host} is already in use (try --port 0 for any free port)`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EACCES') throw new CliError(`cannot listen on ${opts.host}:${port} (${code})`);
    throw err;
  }
  process.stdout.write(`colossus: dashboard and API on ${server.url}/ (runs in ${opts.db}); Ctrl-C stops\n`);
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
  store?.close();
}
