/**
 * Worker-thread entry for `colossus serve`: does one request's work at a time (parse, compute) and
 * posts the answer back. Loaded only from the compiled package (dist/server/work-worker.js).
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from '../store/index.js';
import { doWork, savingTo, type WorkLimits, type WorkRequest } from './work.js';

/**
 * Lower this thread's scheduling priority (Linux: a thread's id works as a pid for setpriority), so
 * that on a busy machine the server's own thread, which answers /api/health, gets a core first.
 * Elsewhere, or without permission, nothing changes.
 */
function lowerThreadPriority(): void {
  try {
    const tid = Number(/task\/(\d+)$/.exec(readlinkSync('/proc/thread-self'))?.[1]);
    if (Number.isSafeInteger(tid) && tid > 0) setPriority(tid, 19);
  } catch {
    // not Linux, or not allowed: run at the normal priority
  }
}

const port = parentPort;
if (port) {
  lowerThreadPriority();
  const data = workerData as WorkLimits & { storePath?: string };
  // Each worker saves its campaign runs through its own connection (SQLite WAL takes several writers).
  const save = data.storePath !== undefined ? savingTo(data.storePath, () => openStore(data.storePath)) : undefined;
  port.on('message', (msg: { id: number; req: WorkRequest }) => {
    void doWork(msg.req, data, save).then((answer) => port.postMessage({ id: msg.id, answer }));
  });
}
