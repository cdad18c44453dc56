import { describe, expect, test } from "bun:test";
import {
  appendFileSync,
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFileHistory, MAX_BACKUP_BYTES, readCheckpoints, restoreCheckpoint } from "../src/file-history.ts";

function setup() {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "hone-fh-")));
  const work = join(root, "work");
  mkdirSync(work);
  const dir = join(root, "session", "file-history");
  return { root, work, dir, fh: createFileHistory(dir) };
}

/** Every regular file under `base` (relative path -> bytes), for comparing whole trees. */
function snapshotTree(base: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (rel: string) => {
    for (const entry of readdirSync(join(base, rel), { withFileTypes: true })) {
      const r = rel ? join(rel, entry.name) : entry.name;
      if (entry.isDirectory()) walk(r);
      else out.set(r, readFileSync(join(base, r)));
    }
  };
  walk("");
  return out;
}

function expectTree(base: string, expected: Map<string, Buffer>) {
  const actual = snapshotTree(base);
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [k, v] of expected) expect(actual.get(k)?.equals(v)).toBe(true);
}

/** What a file tool does: back up, then change the file. */
async function toolWrite(fh: ReturnType<typeof createFileHistory>, path: string, data: string | Buffer | null) {
  await fh.beforeWrite(path);
  if (data === null) unlinkSync(path);
  else {
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, data);
  }
}

describe("file history", () => {
  test("create/edit/delete across 3 checkpoints restores each state exactly", async () => {
    const { work, dir, fh } = setup();
    const a = join(work, "a.txt");
    const bin = join(work, "img.bin");
    const nested = join(work, "deep", "dir", "new.ts");
    writeFileSync(a, "alpha v0\n");
    writeFileSync(bin, Buffer.from([0, 255, 1, 254, 0, 0, 7]));
    const s0 = snapshotTree(work);

    fh.beginCheckpoint("p1");
    await toolWrite(fh, a, "alpha v1\n");
    await toolWrite(fh, a, "alpha v1b\n"); // second change in the same checkpoint: not backed up again
    await toolWrite(fh, nested, "export {};\n");
    const s1 = snapshotTree(work);

    fh.beginCheckpoint("p2");
    await toolWrite(fh, bin, Buffer.from([9, 9, 0, 128]));
    await toolWrite(fh, nested, null);
    const s2 = snapshotTree(work);

    fh.beginCheckpoint("p3");
    await toolWrite(fh, a, null);
    await toolWrite(fh, nested, "recreated\n");
    await toolWrite(fh, join(work, "c.txt"), "c\n");

    const cps = readCheckpoints(dir);
    expect(cps.map((c) => c.id)).toEqual(["p1", "p2", "p3"]);
    expect(cps[0]?.files.map((f) => f.path)).toEqual([a, nested]);
    expect(cps[0]?.files[1]?.backup).toBeNull();
    expect(cps[1]?.files.find((f) => f.path === nested)?.backup).not.toBeNull();

    // Restoring p3 puts back s2, then p2 gives s1, then p1 gives s0 (also from the latest state directly).
    const r3 = restoreCheckpoint(dir, "p3");
    expectTree(work, s2);
    expect(r3.removed.sort()).toEqual([join(work, "c.txt"), nested].sort());
    expect(r3.restored).toEqual([a]);
    restoreCheckpoint(dir, "p2");
    expectTree(work, s1);
    restoreCheckpoint(dir, "p1");
    expectTree(work, s0);
    // A restore targets a fixed state whatever the current one: from s0, restoring p2 gives s1 again.
    const again = restoreCheckpoint(dir, "p2");
    expect(again.restored.sort()).toEqual([a, nested].sort());
    expectTree(work, s1);
    // Restoring onto files that already match writes nothing.
    expect(restoreCheckpoint(dir, "p2")).toEqual({ restored: [], removed: [], skipped: [] });
  });

  test("restore from the final state straight to the first checkpoint", async () => {
    const { work, dir, fh } = setup();
    const f = join(work, "f.txt");
    writeFileSync(f, "orig");
    const s0 = snapshotTree(work);
    for (const [i, id] of ["x", "y", "z"].entries()) {
      fh.beginCheckpoint(id);
      await toolWrite(fh, f, `v${i}`);
      await toolWrite(fh, join(work, `n${i}.txt`), "new");
    }
    const r = restoreCheckpoint(dir, "x");
    expect(r.restored).toEqual([f]);
    expect(r.removed.length).toBe(3);
    expectTree(work, s0);
  });

  test("new files are removed and missing parents are recreated", async () => {
    const { work, dir, fh } = setup();
    const gone = join(work, "sub", "keep.txt");
    mkdirSync(join(work, "sub"));
    writeFileSync(gone, "keep me");
    fh.beginCheckpoint("c1");
    await toolWrite(fh, join(work, "fresh.txt"), "fresh");
    await toolWrite(fh, gone, "changed");
    rmSync(join(work, "sub"), { recursive: true }); // e.g. removed by Bash afterwards
    const r = restoreCheckpoint(dir, "c1");
    expect(r.removed).toEqual([join(work, "fresh.txt")]);
    expect(existsSync(join(work, "fresh.txt"))).toBe(false);
    expect(readFileSync(gone, "utf8")).toBe("keep me");
  });

  test("restore keeps the recorded file mode", async () => {
    if (process.platform === "win32") return;
    const { work, dir, fh } = setup();
    const script = join(work, "run.sh");
    writeFileSync(script, "#!/bin/sh\n");
    chmodSync(script, 0o751);
    fh.beginCheckpoint("m");
    await toolWrite(fh, script, null);
    restoreCheckpoint(dir, "m");
    expect(statSync(script).mode & 0o777).toBe(0o751);
  });

  test("identical content is stored once (blob dedupe)", async () => {
    const { work, dir, fh } = setup();
    for (const n of ["one", "two", "three"]) writeFileSync(join(work, n), "same bytes");
    fh.beginCheckpoint("d1");
    for (const n of ["one", "two"]) await toolWrite(fh, join(work, n), "x");
    fh.beginCheckpoint("d2");
    await toolWrite(fh, join(work, "three"), "y");
    await toolWrite(fh, join(work, "one"), "z"); // now "x": a second, different blob
    const blobs = readdirSync(join(dir, "blobs"));
    expect(blobs.length).toBe(2);
    expect(blobs.every((b) => /^[0-9a-f]{64}$/.test(b))).toBe(true);
    const names = readCheckpoints(dir).flatMap((c) => c.files.map((f) => f.backup));
    expect(new Set(names).size).toBe(2);
  });

  test("a torn last manifest line is skipped, and later appends still parse", async () => {
    const { work, dir, fh } = setup();
    const f = join(work, "f");
    writeFileSync(f, "zero");
    fh.beginCheckpoint("t1");
    await toolWrite(fh, f, "one");
    fh.beginCheckpoint("t2");
    await toolWrite(fh, f, "two");
    const manifest = join(dir, "checkpoints.jsonl");
    // Simulate a crash mid-append: cut the last line in half.
    const size = statSync(manifest).size;
    truncateSync(manifest, size - 20);
    const cps = readCheckpoints(dir);
    expect(cps.map((c) => c.id)).toEqual(["t1", "t2"]);
    expect(cps[1]?.files).toEqual([]);

    // A new process appends after the torn line without gluing onto it.
    const fh2 = createFileHistory(dir);
    fh2.beginCheckpoint("t3");
    await toolWrite(fh2, f, "three");
    expect(readCheckpoints(dir).map((c) => c.id)).toEqual(["t1", "t2", "t3"]);
    restoreCheckpoint(dir, "t3");
    expect(readFileSync(f, "utf8")).toBe("two");
    restoreCheckpoint(dir, "t1");
    expect(readFileSync(f, "utf8")).toBe("zero");
    appendFileSync(manifest, "not json at all\n");
    expect(readCheckpoints(dir).length).toBe(3);
  });

  test("nothing is written for checkpoints without writes", async () => {
    const { root, work, dir, fh } = setup();
    fh.beginCheckpoint("quiet1");
    fh.beginCheckpoint("quiet2");
    expect(existsSync(join(root, "session"))).toBe(false);
    expect(readCheckpoints(dir)).toEqual([]);
    fh.beginCheckpoint("loud");
    await toolWrite(fh, join(work, "a"), "a");
    fh.beginCheckpoint("quiet3");
    expect(readCheckpoints(dir).map((c) => c.id)).toEqual(["loud"]);
  });

  test("writes before any checkpoint go to an implicit one", async () => {
    const { work, dir, fh } = setup();
    const f = join(work, "early.txt");
    writeFileSync(f, "before");
    await toolWrite(fh, f, "after");
    const [cp] = readCheckpoints(dir);
    expect(cp?.id.startsWith("implicit-")).toBe(true);
    restoreCheckpoint(dir, cp!.id);
    expect(readFileSync(f, "utf8")).toBe("before");
  });

  test("a resumed session beginning the same id keeps the first backup", async () => {
    const { work, dir, fh } = setup();
    const f = join(work, "f");
    writeFileSync(f, "first");
    fh.beginCheckpoint("same");
    await toolWrite(fh, f, "second");
    const fh2 = createFileHistory(dir);
    fh2.beginCheckpoint("same");
    await toolWrite(fh2, f, "third");
    expect(readCheckpoints(dir)[0]?.files.length).toBe(1);
    restoreCheckpoint(dir, "same");
    expect(readFileSync(f, "utf8")).toBe("first");
  });

  test("concurrent beforeWrite calls back a path up once", async () => {
    const { work, dir, fh } = setup();
    const f = join(work, "f");
    writeFileSync(f, "v0");
    fh.beginCheckpoint("c");
    await Promise.all([fh.beforeWrite(f), fh.beforeWrite(f), fh.beforeWrite(f)]);
    const lines = readFileSync(join(dir, "checkpoints.jsonl"), "utf8").trim().split("\n");
    expect(lines.length).toBe(2);
  });

  test("files over the size limit are skipped and left alone on restore", async () => {
    const { work, dir, fh } = setup();
    const big = join(work, "big.bin");
    writeFileSync(big, "");
    truncateSync(big, MAX_BACKUP_BYTES + 1); // sparse: cheap to create
    fh.beginCheckpoint("b");
    await fh.beforeWrite(big);
    writeFileSync(big, "small now");
    const [cp] = readCheckpoints(dir);
    expect(cp?.files).toEqual([]);
    expect(cp?.skipped).toEqual([big]);
    expect(existsSync(join(dir, "blobs"))).toBe(false);
    const r = restoreCheckpoint(dir, "b");
    expect(r).toEqual({ restored: [], removed: [], skipped: [big] });
    expect(readFileSync(big, "utf8")).toBe("small now");
  });

  test("unknown checkpoint id throws naming it", () => {
    const { dir } = setup();
    expect(() => restoreCheckpoint(dir, "nope-123")).toThrow(/nope-123/);
  });

  test("a failed backup rejects and can be retried", async () => {
    const { work, dir, fh } = setup();
    const f = join(work, "f");
    writeFileSync(f, "data");
    // A plain file where the history folder belongs makes every write under it fail, even as root.
    mkdirSync(join(dir, ".."), { recursive: true });
    writeFileSync(dir, "in the way");
    fh.beginCheckpoint("r");
    await expect(fh.beforeWrite(f)).rejects.toThrow(/rewind backup/);
    unlinkSync(dir);
    await fh.beforeWrite(f);
    expect(readCheckpoints(dir)[0]?.files.map((x) => x.path)).toEqual([f]);
  });
});
