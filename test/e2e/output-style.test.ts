// Output styles through the real binary: the `outputStyle` setting picks a project style or a built-in
// one, whose instructions reach the system prompt of the request hone sends; hone's coding rules go
// unless the style keeps them; --system-prompt wins; an unknown name is a warning and Default.
import { expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { reply, text } from "../support/mock-api.ts";
import { systemText } from "../support/request-text.ts";
import { scriptedApi } from "../support/api-fixture.ts";
import { runHone, tempProject } from "../support/run-hone.ts";
import { tempHome } from "../support/sessions.ts";

const withApi = scriptedApi();

function write(path: string, content: string): void {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, content);
}

/** A project whose settings select `outputStyle`, with `.claude/output-styles/terse.md`. */
function project(outputStyle: string, keep?: boolean) {
  const home = tempHome();
  const dir = tempProject();
  const keepLine = keep === undefined ? "" : `keep-coding-instructions: ${keep}\n`;
  write(join(dir, ".claude", "output-styles", "terse.md"), `---\ndescription: One-line answers\n${keepLine}---\nAnswer in a single short line. No lists.\n`);
  write(join(dir, ".claude", "settings.json"), JSON.stringify({ outputStyle }));
  return { dir, env: { HOME: home } };
}

/** hone's software-engineering rules carry this heading. */
const CODING_RULES = "How to work:";

async function promptFor(p: { dir: string; env: Record<string, string> }, args: string[] = []) {
  const server = await withApi(reply(text("ok")));
  const run = await runHone(["-p", "hi", ...args], { cwd: p.dir, apiUrl: server.url, env: p.env });
  expect(run.code).toBe(0);
  return { system: systemText(server.requests[0]!), stderr: run.stderr };
}

test("a project style named in settings: its body is in the system prompt, hone's coding rules are not", async () => {
  const { system, stderr } = await promptFor(project("terse"));
  expect(system).toContain("Answer in a single short line. No lists.");
  expect(system).not.toContain(CODING_RULES);
  expect(stderr).toBe("");
});

test("keep-coding-instructions: true keeps hone's coding rules before the style", async () => {
  const { system } = await promptFor(project("Terse", true));
  expect(system).toContain(CODING_RULES);
  expect(system.indexOf(CODING_RULES)).toBeLessThan(system.indexOf("Answer in a single short line."));
});

test("a built-in style by name, in any case", async () => {
  const { system } = await promptFor(project("explanatory"));
  expect(system).toContain("# Output style: Explanatory");
  expect(system).toContain("Insight");
  expect(system).toContain(CODING_RULES);
  expect(system).not.toContain("Answer in a single short line.");
});

test("--system-prompt replaces the prompt, style and all", async () => {
  const { system } = await promptFor(project("terse"), ["--system-prompt", "You are a calculator."]);
  expect(system).toContain("You are a calculator.");
  expect(system).not.toContain("Answer in a single short line.");
});

test("an unknown style: a warning naming it, and the Default prompt", async () => {
  const { system, stderr } = await promptFor(project("sarcastic"));
  expect(stderr).toContain('no output style named "sarcastic"');
  expect(system).toContain(CODING_RULES);
  expect(system).not.toContain("Output style:");
});
