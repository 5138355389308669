import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { RowSink } from './row-sink.js';

const FLUSH_CHARS = 1 << 16;

/**
 * JSON Lines, one row per line. A file is written under a temporary name beside the target and
 * renamed when complete, so a killed run never leaves a file that looks finished.
 */
export function jsonlFileSink(file: string): RowSink {
  const partial = `${file}.partial-${process.pid}`;
  const fd = openSync(partial, 'w');
  let buffer = '';
  let open = true;
  const flush = (): void => {
    if (buffer) writeSync(fd, buffer);
    buffer = '';
  };
  return {
    write(line) {
      buffer += `${line}\n`;
      if (buffer.length >= FLUSH_CHARS) flush();
    },
    close() {
      flush();
      closeSync(fd);
      open = false;
      renameSync(partial, file);
    },
    abort() {
      if (open) closeSync(fd);
      open = false;
      rmSync(partial, { force: true });
    },
  };
}

/** JSON Lines on a stream (standard output), written as rows arrive. */
export function jsonlStreamSink(stream: NodeJS.WritableStream): RowSink {
  let buffer = '';
  return {
    write(line) {
      buffer += `${line}\n`;
      if (buffer.length >= FLUSH_CHARS) {
        stream.write(buffer);
        buffer = '';
      }
    },
    close() {
      if (buffer) stream.write(buffer);
      buffer = '';
    },
    abort() {
      buffer = '';
    },
  };
}
