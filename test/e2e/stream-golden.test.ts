// The stream-json output of a fixed scenario against a checked-in golden file: the order of message
// types and every message's field names (values such as ids, times and costs vary and are left out).
// Regenerate after an intended change with HONE_UPDATE_GOLDEN=1.
import { expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { scriptedApi } from "../support/api-fixture.ts";
import { reply, text, toolUse } from "../support/mock-api.ts";
import { runHone, tempProject } from "../support/run-hone.ts";

const GOLDEN = resolve(import.meta.dir, "../golden/stream-json.json");
const withApi = scriptedApi();

type Skeleton = { type: unknown; subtype?: unknown; keys: string[]; message?: string[]; content?: string[] };

/** What must stay stable about a line: its kind, its keys in order, and the keys of its inner message and blocks. */
function skeleton(line: Record<string, unknown>): Skeleton {
  const out: Skeleton = { type: line.type, keys: Object.keys(line) };
  if (line.subtype !== undefined) out.subtype = line.subtype;
  const message = line.message as { content?: unknown } | undefined;
  if (message && typeof message === "object") {
    out.message = Object.keys(message);
    if (Array.isArray(message.content)) out.content = message.content.map((b: Record<string, unknown>) => `${String(b.type)}:${Object.keys(b).join(",")}`);
  }
  return out;
}

test("stream-json output of a fixed scenario matches the golden file", async () => {
  const dir = tempProject();
  const api = await withApi(
    reply(text("Writing the file."), toolUse("Write", { file_path: join(dir, "a.txt"), content: "a\n" }, "toolu_w")),
    reply(toolUse("Bash", { command: "rm -rf /tmp/nothing-here" }, "toolu_b")),
    reply(text("Done.")),
  );
  const run = await runHone(["-p", "write a.txt", "--output-format", "stream-json", "--verbose", "--permission-mode", "acceptEdits"], { cwd: dir, apiUrl: api.url });
  expect(run.code).toBe(0);
  const lines = run.lines();
  const actual = lines.map(skeleton);
  if (process.env.HONE_UPDATE_GOLDEN === "1") writeFileSync(GOLDEN, `${JSON.stringify(actual, null, 1)}\n`);
  const golden = JSON.parse(readFileSync(GOLDEN, "utf8")) as Skeleton[];
  expect(actual).toEqual(golden);
  // Every message carries the session id, and ids are unique.
  const sessionIds = new Set(lines.map((l) => l.session_id));
  expect(sessionIds.size).toBe(1);
  const uuids = lines.map((l) => l.uuid);
  expect(new Set(uuids).size).toBe(lines.length);
  // The denied Bash call is in the result's permission_denials.
  expect(lines.at(-1)).toMatchObject({ type: "result", subtype: "success", permission_denials: [{ tool_name: "Bash", tool_use_id: "toolu_b" }] });
});
