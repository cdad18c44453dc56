// Write, Edit and MultiEdit save the file's before-image through session.fileHistory, and only when the
// file really changes.
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createFileHistory, readCheckpoints, restoreCheckpoint } from "../../src/file-history.ts";
import { editTool } from "../../src/tools/edit.ts";
import { multiEditTool } from "../../src/tools/multi-edit.ts";
import { readTool } from "../../src/tools/read.ts";
import { writeTool } from "../../src/tools/write.ts";
import { harness } from "../support/tool-harness.ts";

function setup(content?: string) {
  const h = harness();
  const historyDir = join(h.dir, ".session", "file-history");
  h.state.fileHistory = createFileHistory(historyDir);
  h.state.fileHistory.beginCheckpoint("prompt-1");
  const path = join(h.dir, "f.txt");
  if (content !== undefined) writeFileSync(path, content);
  return { h, path, historyDir };
}

/** The bytes backed up for `path` in checkpoint `id` (null = recorded as not existing). */
function backupOf(historyDir: string, id: string, path: string): string | null | undefined {
  const entry = readCheckpoints(historyDir)
    .find((c) => c.id === id)
    ?.files.find((f) => f.path === path);
  if (!entry) return undefined;
  return entry.backup === null ? null : readFileSync(join(historyDir, "blobs", entry.backup), "utf8");
}

describe("file tools record before-images", () => {
  test("Write: new file recorded as absent, overwrite recorded with old bytes", async () => {
    const { h, path, historyDir } = setup();
    expect((await h.call(writeTool, { file_path: path, content: "v1\n" })).isError).toBeUndefined();
    expect(backupOf(historyDir, "prompt-1", path)).toBeNull();

    h.state.fileHistory?.beginCheckpoint("prompt-2");
    expect((await h.call(writeTool, { file_path: path, content: "v2\n" })).isError).toBeUndefined();
    expect(backupOf(historyDir, "prompt-2", path)).toBe("v1\n");

    restoreCheckpoint(historyDir, "prompt-2");
    expect(readFileSync(path, "utf8")).toBe("v1\n");
    restoreCheckpoint(historyDir, "prompt-1");
    expect(existsSync(path)).toBe(false);
  });

  test("Edit: records the content before the replacement", async () => {
    const { h, path, historyDir } = setup("hello world\n");
    await h.call(readTool, { file_path: path });
    const r = await h.call(editTool, { file_path: path, old_string: "world", new_string: "there" });
    expect(r.isError).toBeUndefined();
    expect(readFileSync(path, "utf8")).toBe("hello there\n");
    expect(backupOf(historyDir, "prompt-1", path)).toBe("hello world\n");
    // A second edit in the same prompt keeps the first before-image.
    await h.call(editTool, { file_path: path, old_string: "there", new_string: "again" });
    expect(backupOf(historyDir, "prompt-1", path)).toBe("hello world\n");
    restoreCheckpoint(historyDir, "prompt-1");
    expect(readFileSync(path, "utf8")).toBe("hello world\n");
  });

  test("Edit creating a file with an empty old_string records it as absent", async () => {
    const { h, path, historyDir } = setup();
    const r = await h.call(editTool, { file_path: path, old_string: "", new_string: "brand new" });
    expect(r.isError).toBeUndefined();
    expect(backupOf(historyDir, "prompt-1", path)).toBeNull();
  });

  test("MultiEdit: records the content before all edits", async () => {
    const { h, path, historyDir } = setup("a b c\n");
    await h.call(readTool, { file_path: path });
    const r = await h.call(multiEditTool, {
      file_path: path,
      edits: [
        { old_string: "a", new_string: "A" },
        { old_string: "c", new_string: "C" },
      ],
    });
    expect(r.isError).toBeUndefined();
    expect(readFileSync(path, "utf8")).toBe("A b C\n");
    expect(backupOf(historyDir, "prompt-1", path)).toBe("a b c\n");
  });

  test("failed Edit and MultiEdit record nothing and write no history", async () => {
    const { h, path, historyDir } = setup("keep\n");
    await h.call(readTool, { file_path: path });
    const e = await h.call(editTool, { file_path: path, old_string: "missing", new_string: "x" });
    expect(e.isError).toBe(true);
    const m = await h.call(multiEditTool, {
      file_path: path,
      edits: [
        { old_string: "keep", new_string: "K" },
        { old_string: "absent", new_string: "x" },
      ],
    });
    expect(m.isError).toBe(true);
    expect(readFileSync(path, "utf8")).toBe("keep\n");
    expect(readCheckpoints(historyDir)).toEqual([]);
    expect(existsSync(historyDir)).toBe(false);
  });

  test("Write refused for an unread file records nothing", async () => {
    const { h, path, historyDir } = setup("not read\n");
    const r = await h.call(writeTool, { file_path: path, content: "clobber" });
    expect(r.isError).toBe(true);
    expect(existsSync(historyDir)).toBe(false);
  });

  test("a failing backup stops the tool before it touches the file", async () => {
    const { h, path, historyDir } = setup("safe\n");
    await h.call(readTool, { file_path: path });
    writeFileSync(join(h.dir, ".session"), "a file where the session folder should be");
    const r = await h.call(editTool, { file_path: path, old_string: "safe", new_string: "changed" });
    expect(r.isError).toBe(true);
    expect(r.text).toContain("rewind backup");
    expect(readFileSync(path, "utf8")).toBe("safe\n");
    expect(existsSync(historyDir)).toBe(false);
  });

  test("without fileHistory the tools work as before", async () => {
    const h = harness();
    const path = join(h.dir, "plain.txt");
    expect((await h.call(writeTool, { file_path: path, content: "x" })).isError).toBeUndefined();
    expect(readFileSync(path, "utf8")).toBe("x");
  });
});
