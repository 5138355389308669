/** A one-line progress bar on a TTY stream (the CLI passes stderr only when it is a TTY). */
export interface ProgressBar {
  update(done: number, total: number): void;
  clear(): void;
}

export function progressBar(stream: NodeJS.WriteStream, label: string): ProgressBar {
  const width = 30;
  const start = performance.now();
  let lastDrawnMs = -Infinity;
  let shown = false;
  return {
    update(done, total) {
      const nowMs = performance.now();
      if (nowMs - lastDrawnMs < 100 && done !== total) return;
      lastDrawnMs = nowMs;
      shown = true;
      const filled = total > 0 ? Math.round((done / total) * width) : width;
      const elapsedS = (nowMs - start) / 1000;
      const rate = elapsedS > 0 ? done / elapsedS : 0;
      const etaS = rate > 0 ? (total - done) / rate : 0;
      stream.write(
        `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}  ${rate.toFixed(1)} points/s  eta ${Math.ceil(etaS)} s\x1b[K`,
      );
    },
    clear() {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}
