// autoDream through the binary: five real sessions leave their notes in the memory's session logs,
// `hone --dream-now` consolidates them (a scripted dream writing topic files and an index into its
// staging copy), and the next session's first request carries the index. A session whose gates pass
// starts the dream in the background on its own. Gates, locks and kills in detail: test/dream*.test.ts.
import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DREAM_TASK_OPENING } from "../../src/dream-prompt.ts";
import { servedApi } from "../support/api-fixture.ts";
import { firstUserText, reply, text, toolUse, type LoggedRequest, type Step } from "../support/mock-api.ts";
import { systemText } from "../support/request-text.ts";
import { runHone, tempProject } from "../support/run-hone.ts";
import { tempHome } from "../support/sessions.ts";

const serve = servedApi();
const stagingOf = (req: LoggedRequest): string => /only place you may write\): (\S+)/.exec(firstUserText(req.body))?.[1] ?? "/nonexistent";

/** The dream's scripted conversation: read the logs, write one topic and the index, report. */
function dreamRoute(): { prompt: string; steps: Step[] } {
  return {
    prompt: DREAM_TASK_OPENING,
    steps: [
      (req) => reply(toolUse("Write", { file_path: join(stagingOf(req), "topics", "databases.md"), content: "# Databases\n- Project alpha uses Postgres 16 (decided in the sessions).\n" })),
      (req) => reply(toolUse("Write", { file_path: join(stagingOf(req), "MEMORY.md"), content: "# Memory\n- topics/databases.md: ALPHA-USES-POSTGRES and the database decisions\n" })),
      reply(text("Consolidated five sessions into one topic.")),
    ],
  };
}

describe("autoDream", () => {
  test("five sessions' notes become topic files and an index that the next session's first request contains", async () => {
    const home = tempHome();
    const dir = tempProject("hone-dream-");
    const env = { HOME: home };
    let api = await serve({ steps: [], fallback: reply(text("Noted.")) });
    for (let i = 1; i <= 5; i++) {
      const run = await runHone(["-p", `session ${i}: project alpha uses postgres`], { cwd: dir, apiUrl: api.url, env });
      expect(run.code).toBe(0);
    }
    const memory = join(home, ".hone", "memory");
    const logs = readdirSync(join(memory, "sessions")).map((f) => readFileSync(join(memory, "sessions", f), "utf8")).join("\n");
    for (let i = 1; i <= 5; i++) expect(logs).toContain(`session ${i}: project alpha uses postgres`);

    api = await serve({ steps: [], routes: [dreamRoute()] });
    const dream = await runHone(["--dream-now"], { cwd: dir, apiUrl: api.url, env });
    expect(dream.stderr).not.toContain("Error");
    expect(dream.code).toBe(0);
    expect(dream.stdout).toContain("dream completed");
    expect(readFileSync(join(memory, "topics", "databases.md"), "utf8")).toContain("Postgres 16");
    expect(readFileSync(join(memory, "MEMORY.md"), "utf8")).toContain("ALPHA-USES-POSTGRES");
    // The dream read the session logs it consolidated.
    expect(JSON.stringify(api.requests[0]!.body.messages)).toContain("sessions");

    api = await serve({ steps: [reply(text("Hello again."))] });
    const next = await runHone(["-p", "what database do we use?"], { cwd: dir, apiUrl: api.url, env });
    expect(next.code).toBe(0);
    expect(systemText(api.requests[0]!)).toContain("ALPHA-USES-POSTGRES");
  }, 60_000);

  test("a session whose gates pass starts the dream in the background by itself", async () => {
    const home = tempHome();
    const dir = tempProject("hone-dream-");
    const api = await serve({ steps: [reply(text("Noted."))], routes: [dreamRoute()] });
    const env = { HOME: home, HONE_AUTO_DREAM: "1" };
    // In the user's settings, so the background `hone __dream` reads the same gates.
    mkdirSync(join(home, ".hone"), { recursive: true });
    writeFileSync(join(home, ".hone", "settings.json"), JSON.stringify({ memory: { dreamSessionThreshold: 1 } }));
    const run = await runHone(["-p", "remember that alpha uses postgres"], { cwd: dir, apiUrl: api.url, env });
    expect(run.code).toBe(0);
    const index = join(home, ".hone", "memory", "MEMORY.md");
    for (let i = 0; i < 200 && !existsSync(index); i++) await Bun.sleep(50);
    expect(readFileSync(index, "utf8")).toContain("ALPHA-USES-POSTGRES");
    expect(api.requests.some((r) => firstUserText(r.body).includes(DREAM_TASK_OPENING))).toBe(true);
  }, 30_000);
});
