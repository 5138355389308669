/** Wrap an async function so that calls run one after another (the replication pool takes one batch at a time). */
export function oneAtATime<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  let tail: Promise<unknown> = Promise.resolve();
  return (...args: A) => {
    const next = tail.then(
      () => fn(...args),
      () => fn(...args),
    );
    tail = next.catch(() => undefined);
    return next;
  };
}
