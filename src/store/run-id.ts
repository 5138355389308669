import { randomBytes } from 'node:crypto';

export interface RunIdOptions {
  /** Milliseconds since the epoch. Default `Date.now`. */
  now?: () => number;
  /** A random suffix. Default 8 hex digits from `crypto.randomBytes`. */
  suffix?: () => string;
}

/**
 * A generator of run ids that sort by creation time and are unique: `20240503T123456789Z-1a2b3c4d`
 * (UTC time to the millisecond, then a random suffix). Ids from one generator strictly increase,
 * even within one millisecond or when the clock steps back (the time part then advances by 1 ms).
 */
export function createRunIdGenerator(options: RunIdOptions = {}): () => string {
  const now = options.now ?? Date.now;
  const suffix = options.suffix ?? ((): string => randomBytes(4).toString('hex'));
  let last = -Infinity;
  return () => {
    const ms = Math.max(now(), last + 1);
    last = ms;
    const time = new Date(ms).toISOString().replace(/[-:.]/g, '');
    return `${time}-${suffix()}`;
  };
}
