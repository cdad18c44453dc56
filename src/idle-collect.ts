// Garbage collection while the interactive session is idle. Every request serialises the whole
// conversation again, and the engine collects those copies lazily, so a long session's resident memory
// creeps up with garbage. A full collection costs milliseconds, so it runs only after the user has left
// the session idle for a moment, and only once memory grew by some megabytes since the last one.
import { releaseMemory } from "./runtime.ts";

export interface IdleCollector {
  /** Something finished (a turn): collect after `idleMs` unless more work starts first. */
  settled(): void;
  /** Work started: a pending collection waits for the next idle moment. */
  busy(): void;
  /** A key was pressed: a pending collection waits until the keys stop too. */
  nudge(): void;
  stop(): void;
}

export interface IdleCollectOptions {
  idleMs?: number;
  growthBytes?: number;
  rss?: () => number;
  collect?: () => void;
}

export function createIdleCollector(options: IdleCollectOptions = {}): IdleCollector {
  const idleMs = options.idleMs ?? 1500;
  const growthBytes = options.growthBytes ?? 2 * 1024 * 1024;
  const rss = options.rss ?? (() => process.memoryUsage.rss());
  const collect = options.collect ?? releaseMemory;
  let baseline = rss();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const cancel = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
  const arm = (): void => {
    cancel();
    timer = setTimeout(() => {
      timer = undefined;
      if (rss() - baseline < growthBytes) return;
      collect();
      baseline = rss();
    }, idleMs);
    // A pending collection never keeps the process alive.
    (timer as { unref?: () => void }).unref?.();
  };
  return {
    settled: arm,
    busy: cancel,
    nudge() {
      if (timer) arm();
    },
    stop: cancel,
  };
}
