// At most N jobs at a time; the rest wait their turn in order. A waiting job whose signal aborts leaves
// the queue without running.

export interface Limiter {
  run<T>(job: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  active(): number;
  waiting(): number;
}

export function createLimiter(max: number): Limiter {
  let active = 0;
  const queue: Array<() => void> = [];
  const release = (): void => {
    active--;
    queue.shift()?.();
  };
  const acquire = (signal?: AbortSignal): Promise<void> => {
    if (active < max) {
      active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const start = (): void => {
        signal?.removeEventListener("abort", onAbort);
        active++;
        resolve();
      };
      const onAbort = (): void => {
        const at = queue.indexOf(start);
        if (at >= 0) queue.splice(at, 1);
        reject(signal?.reason ?? new Error("aborted"));
      };
      queue.push(start);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  };
  return {
    async run(job, signal) {
      await acquire(signal);
      try {
        return await job();
      } finally {
        release();
      }
    },
    active: () => active,
    waiting: () => queue.length,
  };
}
