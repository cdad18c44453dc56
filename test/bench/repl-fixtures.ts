// Inputs for the interactive-terminal benchmark: a saved session of thousands of messages (cloned from
// the entries a real `hone -p` run wrote, so the format is hone's own), and about a megabyte of varied
// markdown with numbered checkpoints to time the render against the stream.
import { readFileSync, writeFileSync } from "node:fs";
import { reply, startMockApi, text } from "../support/mock-api.ts";
import { runHone } from "../support/run-hone.ts";
import { sessionFiles } from "../support/sessions.ts";

type Entry = Record<string, unknown> & { uuid?: string; parentUuid?: string | null; message?: Record<string, unknown> };

const ANSWERS = [
  "Done. The parser now keeps **one** buffer per stream instead of one per call.",
  "I looked at `src/cache.ts`:\n\n- the key includes the model\n- entries expire after `ttl`\n- misses are logged",
  "## Result\n\nThe test passes now. The cause was an off-by-one in `slice(0, n)`:\n\n```ts\nconst head = rows.slice(0, n - 1);\n```",
  "| file | change |\n|---|---|\n| a.ts | renamed `load` |\n| b.ts | new test |",
  "Short answer: yes. Longer: the retry loop already backs off, so *no* extra sleep is needed there.",
];

/**
 * Writes a session of `messages` alternating prompts and answers (varied markdown) into `home` for
 * `cwd`, using the entries of one real `hone -p` run as the template. Returns the session id.
 */
export async function writeLongSession(bin: string, home: string, cwd: string, messages: number): Promise<string> {
  const api = await startMockApi({ steps: [reply(text("template"))] });
  let path: string | undefined;
  try {
    const run = await runHone(["-p", "template"], { cwd, apiUrl: api.url, env: { HOME: home }, command: [bin] });
    if (run.code !== 0) throw new Error(`hone -p exited ${run.code}: ${run.stderr}`);
    path = sessionFiles(home, cwd)[0];
  } finally {
    await api.close();
  }
  if (!path) throw new Error("hone -p wrote no session file");
  const entries = readFileSync(path, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Entry);
  const user = entries.find((e) => e.type === "user");
  const assistant = entries.find((e) => e.type === "assistant");
  if (!user || !assistant) throw new Error(`${path}: expected a user and an assistant entry`);
  const head = entries.filter((e) => e.type !== "user" && e.type !== "assistant");
  const lines = head.map((e) => JSON.stringify(e));
  let parent: string | null = null;
  for (let i = 0; i < messages; i++) {
    const turn = Math.floor(i / 2);
    const template: Entry = i % 2 === 0 ? user : assistant;
    const uuid = crypto.randomUUID();
    const content = i % 2 === 0 ? `Step ${turn}: check the ${["parser", "cache", "tests", "docs"][turn % 4]} and fix what is wrong` : [{ type: "text", text: ANSWERS[turn % ANSWERS.length]! }];
    const message = { ...template.message, content, ...(i % 2 === 1 ? { id: `msg_bench_${turn}` } : {}) };
    lines.push(JSON.stringify({ ...template, uuid, parentUuid: parent, message }));
    parent = uuid;
  }
  writeFileSync(path, `${lines.join("\n")}\n`);
  const id = entries.find((e) => typeof e.sessionId === "string")?.sessionId;
  if (typeof id !== "string") throw new Error(`${path}: no sessionId`);
  return id;
}

/** The marker placed at the start of section `n` (plain text, so it reaches the terminal unstyled). */
export const checkpoint = (n: number): string => `zq${String(n).padStart(4, "0")}zq`;
export const END_MARK = "zqENDzq";

function section(n: number): string {
  const words = ["stream", "render", "frame", "buffer", "parser", "token", "layout", "cursor", "region", "scroll"];
  const w = (i: number): string => words[(n + i) % words.length]!;
  const prose = Array.from({ length: 6 }, (_, i) => `The ${w(i)} keeps *its* state while the ${w(i + 3)} moves on, and \`${w(i + 5)}()\` returns early when nothing changed.`).join(" ");
  const code = Array.from({ length: 14 }, (_, i) => (i % 4 === 0 ? `function ${w(i)}${n}_${i}(input: string): number {` : i % 4 === 3 ? "}" : `  const ${w(i)} = input.length * ${i} + ${n}; // ${w(i + 1)}`)).join("\n");
  const table = [`| ${w(0)} | ${w(1)} | ${w(2)} | count |`, "|---|:---:|---|---:|", ...Array.from({ length: 6 }, (_, i) => `| ${w(i)} ${n} | **${w(i + 1)}** | \`${w(i + 2)}\` | ${n * 10 + i} |`)].join("\n");
  const bullets = Array.from({ length: 5 }, (_, i) => `- The ${w(i)} item ${i} with [a link](https://example.com/${w(i)}) and _emphasis_`).join("\n");
  const numbered = Array.from({ length: 4 }, (_, i) => `${i + 1}. Step ${i + 1}: move the ${w(i + 2)} into the ${w(i + 4)}`).join("\n");
  return [
    `${checkpoint(n)} opens part ${n} of the answer.`,
    `## Part ${n}: the ${w(0)} and the ${w(1)}`,
    prose,
    bullets,
    "```ts\n" + code + "\n```",
    table,
    `> Note ${n}: the ${w(2)} is **never** redrawn once it is final.`,
    numbered,
  ].join("\n\n");
}

/** About `bytes` of markdown: sections with a checkpoint each, then the end mark. */
export function markdownOf(bytes: number): { text: string; checkpoints: Array<{ mark: string; offset: number }> } {
  const parts: string[] = [];
  const checkpoints: Array<{ mark: string; offset: number }> = [];
  let length = 0;
  for (let n = 1; length < bytes; n++) {
    const body = section(n);
    checkpoints.push({ mark: checkpoint(n), offset: length });
    parts.push(body);
    length += body.length + 2;
  }
  const text = `${parts.join("\n\n")}\n\n${END_MARK} is the last line.`;
  return { text, checkpoints };
}
