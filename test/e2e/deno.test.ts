// The same source runs under Deno: a headless multi-tool run of src/main.ts against the scripted API.
import { afterEach, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { reply, startMockApi, text, toolUse, type MockApi } from "../support/mock-api.ts";
import { runHone, tempProject } from "../support/run-hone.ts";

const root = resolve(import.meta.dir, "../..");
const deno = join(root, "node_modules/.bin/deno");

let api: MockApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

test("deno runs src/main.ts headless: write, run, read, edit, answer", async () => {
  expect(existsSync(deno)).toBe(true);
  const dir = tempProject("hone-deno-");
  const file = join(dir, "note.txt");
  api = await startMockApi({
    steps: [
      reply(toolUse("Bash", { command: "printf 'from deno\\n' > note.txt" })),
      reply(toolUse("Read", { file_path: file })),
      reply(toolUse("Edit", { file_path: file, old_string: "deno", new_string: "Deno" })),
      reply(toolUse("Grep", { pattern: "Deno", output_mode: "content" })),
      reply(text("Deno smoke test done.")),
    ],
  });
  const run = await runHone(["-p", "smoke", "--cwd", dir, "--permission-mode", "bypassPermissions", "--output-format", "json"], {
    cwd: root,
    apiUrl: api.url,
    command: [deno, "run", "-A", "src/main.ts"],
    env: { DENO_NO_UPDATE_CHECK: "1", DENO_DIR: join(dir, ".deno-cache"), IS_SANDBOX: "1" },
  });
  expect(run.stderr).not.toContain("error");
  expect(run.code).toBe(0);
  expect(run.json()).toMatchObject({ subtype: "success", result: "Deno smoke test done.", num_turns: 5 });
  expect(readFileSync(file, "utf8")).toBe("from Deno\n");
  const grepResult = JSON.stringify(api.requests[4]!.body.messages!.at(-1));
  expect(grepResult).toContain("note.txt:1:from Deno");
}, 60_000);
