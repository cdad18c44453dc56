import { describe, expect, test } from "bun:test";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { checkGates, readLastDream, shouldDream, writeLastDream } from "../src/dream-gates.ts";
import { acquireLock, parseLock, releaseLock, staleReason } from "../src/dream-lock.ts";
import { deadPid, logSessions, tempDir } from "./support/dream-fixture.ts";

const SETTINGS = { dreamIntervalHours: 24, dreamSessionThreshold: 5 };
const NOW = new Date("2026-04-10T12:00:00Z");
const hoursBefore = (h: number) => new Date(NOW.getTime() - h * 3600_000);

/** A folder where every gate passes: last dream 30 hours ago, six sessions since. */
function ready(): string {
  const dir = tempDir("hone-mem-");
  writeLastDream(dir, hoursBefore(30));
  logSessions(dir, 6, hoursBefore(20));
  return dir;
}

function writeLock(dir: string, pid: number, time: Date): string {
  const raw = `${JSON.stringify({ pid, host: hostname(), time: time.toISOString(), token: "t" })}\n`;
  writeFileSync(join(dir, ".dream.lock"), raw);
  return raw;
}

function passed(dir: string, options: Parameters<typeof shouldDream>[3] = {}) {
  const gate = shouldDream(dir, SETTINGS, NOW, options);
  if (!gate.run) throw new Error(`blocked by ${gate.blocked}: ${gate.reason}`);
  return gate;
}

describe("each gate alone blocks", () => {
  test("all three open: the dream may run and holds the lock", () => {
    const dir = ready();
    const gate = passed(dir);
    expect(gate.sessions).toBe(6);
    expect(gate.logs.length).toBeGreaterThan(0);
    expect(gate.lastDream).toEqual(hoursBefore(30));
    expect(parseLock(readFileSync(join(dir, ".dream.lock"), "utf8"))?.pid).toBe(process.pid);
    releaseLock(gate.lock);
    expect(existsSync(join(dir, ".dream.lock"))).toBe(false);
  });

  test("time: a dream 10 hours ago blocks, even with enough sessions and a free lock", () => {
    const dir = ready();
    writeLastDream(dir, hoursBefore(10));
    logSessions(dir, 6, hoursBefore(9));
    const gate = shouldDream(dir, SETTINGS, NOW);
    expect(gate.run).toBe(false);
    if (!gate.run) expect(gate.blocked).toBe("interval");
    expect(existsSync(join(dir, ".dream.lock"))).toBe(false);
  });

  test("sessions: four since the last dream block; older ones do not count", () => {
    const dir = tempDir("hone-mem-");
    logSessions(dir, 7, hoursBefore(60)); // before the last dream
    writeLastDream(dir, hoursBefore(30));
    logSessions(dir, 4, hoursBefore(20));
    const gate = shouldDream(dir, SETTINGS, NOW);
    expect(gate.run).toBe(false);
    if (!gate.run) {
      expect(gate.blocked).toBe("sessions");
      expect(gate.reason).toContain("4 sessions");
    }
    logSessions(dir, 1, hoursBefore(2));
    releaseLock(passed(dir).lock);
  });

  test("sessions: never dreamed counts every logged session", () => {
    const dir = tempDir("hone-mem-");
    logSessions(dir, 5, hoursBefore(100));
    expect(readLastDream(dir)).toBeUndefined();
    const gate = passed(dir);
    expect(gate.sessions).toBe(5);
    expect(gate.lastDream).toBeUndefined();
    releaseLock(gate.lock);
  });

  test("lock: a live, fresh lock blocks and is left alone", () => {
    const dir = ready();
    const raw = writeLock(dir, process.pid, hoursBefore(0.5));
    const gate = shouldDream(dir, SETTINGS, NOW);
    expect(gate.run).toBe(false);
    if (!gate.run) {
      expect(gate.blocked).toBe("lock");
      expect(gate.reason).toContain(`process ${process.pid}`);
    }
    expect(readFileSync(join(dir, ".dream.lock"), "utf8")).toBe(raw);
  });

  test("--dream-now skips time and sessions, never the lock", () => {
    const dir = tempDir("hone-mem-");
    writeLastDream(dir, hoursBefore(1));
    const gate = passed(dir, { force: true });
    expect(gate.sessions).toBe(0);
    const again = shouldDream(dir, SETTINGS, NOW, { force: true });
    expect(again.run).toBe(false);
    if (!again.run) expect(again.blocked).toBe("lock");
    releaseLock(gate.lock);
  });
});

describe("a dream that did not finish", () => {
  test("is tried again only after an hour, not at every session's end; --dream-now may retry at once", () => {
    const dir = ready();
    const first = passed(dir);
    // It fails: the lock is released but no new last dream is recorded.
    releaseLock(first.lock);
    const soon = checkGates(dir, SETTINGS, new Date(NOW.getTime() + 20 * 60_000));
    expect(soon.run).toBe(false);
    if (!soon.run) expect(soon.reason).toContain("did not finish");
    expect(checkGates(dir, SETTINGS, new Date(NOW.getTime() + 61 * 60_000)).run).toBe(true);
    const forced = shouldDream(dir, SETTINGS, new Date(NOW.getTime() + 60_000), { force: true });
    expect(forced.run).toBe(true);
    if (forced.run) releaseLock(forced.lock);
  });

  test("a dream that finished after the attempt does not hold the next one back", () => {
    const dir = ready();
    const gate = passed(dir);
    releaseLock(gate.lock);
    writeLastDream(dir, NOW);
    logSessions(dir, 6, new Date(NOW.getTime() + 3600_000));
    expect(checkGates(dir, SETTINGS, new Date(NOW.getTime() + 30 * 3600_000)).run).toBe(true);
  });
});

describe("stale locks", () => {
  test("a lock whose process is gone is taken over", () => {
    const dir = ready();
    const pid = deadPid();
    writeLock(dir, pid, hoursBefore(0.1));
    const gate = passed(dir);
    expect(gate.notes.join("\n")).toContain(`its process ${pid} is gone`);
    expect(parseLock(readFileSync(join(dir, ".dream.lock"), "utf8"))?.pid).toBe(process.pid);
    releaseLock(gate.lock);
  });

  test("a lock older than an hour is taken over even though its process lives", () => {
    const dir = ready();
    writeLock(dir, process.pid, hoursBefore(1.5));
    const gate = passed(dir);
    expect(gate.notes.join("\n")).toContain("90 minutes old");
    expect(readFileSync(join(dir, ".dream.lock"), "utf8")).toBe(gate.lock.raw);
    releaseLock(gate.lock);
  });

  test("staleness rules", () => {
    const live = JSON.stringify({ pid: process.pid, host: hostname(), time: NOW.toISOString() });
    expect(staleReason(live, NOW.getTime(), NOW)).toBeUndefined();
    expect(staleReason(live, NOW.getTime(), new Date(NOW.getTime() + 61 * 60_000))).toContain("61 minutes old");
    // Another host's pid says nothing about this machine: only age counts there.
    expect(staleReason(JSON.stringify({ pid: deadPid(), host: "elsewhere", time: NOW.toISOString() }), NOW.getTime(), NOW)).toBeUndefined();
    // Unreadable (its writer died between create and write): stale after a minute.
    expect(staleReason("", NOW.getTime(), NOW)).toBeUndefined();
    expect(staleReason("", NOW.getTime() - 120_000, NOW)).toBe("it is unreadable");
  });

  test("a takeover already under way elsewhere wins; its marker is cleared once its taker is gone", () => {
    const dir = ready();
    const stale = writeLock(dir, deadPid(), hoursBefore(2));
    const marker = join(dir, `.dream.lock.takeover-${createHash("sha256").update(stale).digest("hex").slice(0, 16)}`);
    writeFileSync(marker, JSON.stringify({ pid: process.pid, host: hostname(), time: NOW.toISOString(), token: "m" }));
    const blocked = acquireLock(dir, NOW);
    expect(blocked.ok).toBe(false);
    expect(readFileSync(join(dir, ".dream.lock"), "utf8")).toBe(stale);
    writeFileSync(marker, JSON.stringify({ pid: deadPid(), host: hostname(), time: NOW.toISOString(), token: "m" }));
    expect(acquireLock(dir, NOW).ok).toBe(false);
    expect(existsSync(marker)).toBe(false);
    const taken = acquireLock(dir, NOW);
    expect(taken.ok).toBe(true);
    if (taken.ok) releaseLock(taken.lock);
  });

  test("four processes racing for one stale lock: exactly one gets it", async () => {
    const dir = ready();
    writeLock(dir, deadPid(), hoursBefore(3));
    const script = join(import.meta.dir, "support", "dream-lock-child.ts");
    const children = Array.from({ length: 4 }, () => spawn(process.execPath, [script, dir], { stdio: ["pipe", "pipe", "inherit"] }));
    const lines = children.map((child) => {
      const queue: string[] = [];
      const waiting: Array<(line: string) => void> = [];
      createInterface({ input: child.stdout! }).on("line", (line) => (waiting.length > 0 ? waiting.shift()!(line) : queue.push(line)));
      return () => new Promise<string>((resolve) => (queue.length > 0 ? resolve(queue.shift()!) : waiting.push(resolve)));
    });
    expect(await Promise.all(lines.map((next) => next()))).toEqual(["ready", "ready", "ready", "ready"]);
    writeFileSync(join(dir, "go"), "");
    const answers = await Promise.all(lines.map((next) => next()));
    const winners = answers.filter((a) => a === "ok");
    const holder = parseLock(readFileSync(join(dir, ".dream.lock"), "utf8"))?.pid;
    for (const child of children) child.stdin!.end();
    await Promise.all(children.map((child) => new Promise((resolve) => child.once("exit", resolve))));
    expect(winners).toHaveLength(1);
    expect(holder).toBe(children[answers.indexOf("ok")]!.pid);
  });
});

describe("checkGates: the same verdict without taking anything", () => {
  test("passes without creating the lock or cleaning leftovers; a live lock blocks, a stale one does not", () => {
    const dir = ready();
    const dead = join(dir, `.dream-staging-${deadPid()}`);
    mkdirSync(dead);
    const check = checkGates(dir, SETTINGS, NOW);
    expect(check.run ? check.sessions : -1).toBe(6);
    expect(existsSync(join(dir, ".dream.lock"))).toBe(false);
    expect(existsSync(dead)).toBe(true);
    writeLock(dir, process.pid, hoursBefore(0.2));
    const held = checkGates(dir, SETTINGS, NOW);
    expect(held.run ? "run" : held.blocked).toBe("lock");
    const stale = writeLock(dir, deadPid(), hoursBefore(0.2));
    expect(checkGates(dir, SETTINGS, NOW).run).toBe(true);
    expect(readFileSync(join(dir, ".dream.lock"), "utf8")).toBe(stale);
    writeLastDream(dir, hoursBefore(2));
    const early = checkGates(dir, SETTINGS, NOW);
    expect(early.run ? "run" : early.blocked).toBe("interval");
  });
});

describe("leftovers of a dream whose process died", () => {
  test("a dead dream's staging folder is removed once the lock is taken; a live one's is kept", () => {
    const dir = ready();
    const dead = join(dir, `.dream-staging-${deadPid()}`);
    const live = join(dir, `.dream-staging-${process.ppid}`);
    for (const folder of [dead, live]) mkdirSync(join(folder, "topics"), { recursive: true });
    const gate = passed(dir);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(gate.notes.some((n) => n.includes("did not finish"))).toBe(true);
    releaseLock(gate.lock);
  });

  test("a blocked gate touches nothing", () => {
    const dir = ready();
    writeLastDream(dir, hoursBefore(1));
    const dead = join(dir, `.dream-staging-${deadPid()}`);
    mkdirSync(dead);
    expect(shouldDream(dir, SETTINGS, NOW).run).toBe(false);
    expect(existsSync(dead)).toBe(true);
  });
});
