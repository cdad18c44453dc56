// `bun run bench`: startup, one round trip, a six-turn tool task, memory, prompt size, three long
// sessions crossing a 200k window (long-sessions.ts) and the interactive terminal in tmux
// (repl-bench.ts), measured on the compiled binary (HONE_BIN for another build) against the scripted
// API on loopback. Prints a table and rewrites the table in BENCHMARKS.md.
// Not a test: nothing here fails on slowness.
import { cpus, totalmem, release } from "node:os";
import { mkdtempSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { measured, parseMaxRss } from "../support/max-rss.ts";
import { reply, startMockApi, text, toolUse, type Step } from "../support/mock-api.ts";
import { HONE_BIN as BIN } from "../support/run-hone.ts";
import { longSessionSection } from "./long-sessions.ts";
import { replSection } from "./repl-bench.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 15);

interface Sample {
  ms: number;
  rssMB: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function timeRun(args: string[], env: Record<string, string>, cwd: string): Promise<Sample> {
  const started = performance.now();
  // IS_SANDBOX: the bench may run as root in a container, where bypassPermissions otherwise refuses to start.
  const proc = Bun.spawn(measured([BIN, ...args]), { cwd, env: { PATH: process.env.PATH ?? "", HOME: cwd, IS_SANDBOX: "1", ...env }, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`hone ${args.join(" ")} exited ${code}: ${out} ${err}`);
  return { ms, rssMB: parseMaxRss(err).maxRssMB ?? 0 };
}

function project(): string {
  return realpathSync(mkdtempSync(join(tmpdir(), "hone-bench-")));
}

async function scenario(name: string, steps: (dir: string) => Step[], args: string[]): Promise<{ name: string; ms: number; rssMB: number }> {
  const samples: Sample[] = [];
  for (let i = 0; i < RUNS; i++) {
    const dir = project();
    const api = await startMockApi({ steps: steps(dir) });
    try {
      samples.push(await timeRun(args, { ANTHROPIC_API_KEY: "bench", ANTHROPIC_BASE_URL: api.url }, dir));
    } finally {
      await api.close();
    }
  }
  return { name, ms: median(samples.map((s) => s.ms)), rssMB: Math.max(...samples.map((s) => s.rssMB)) };
}

const sixTurns = (dir: string): Step[] => [
  reply(toolUse("Write", { file_path: join(dir, "s.sh"), content: "echo one\n" })),
  reply(toolUse("Bash", { command: "sh s.sh > out.txt" })),
  reply(toolUse("Read", { file_path: join(dir, "out.txt") })),
  reply(toolUse("Edit", { file_path: join(dir, "s.sh"), old_string: "one", new_string: "two" })),
  reply(toolUse("Bash", { command: "sh s.sh" })),
  reply(text("It prints two now.")),
];

const versionSamples: Sample[] = [];
for (let i = 0; i < RUNS * 2; i++) versionSamples.push(await timeRun(["--version"], {}, tmpdir()));
const rows = [
  { name: "`hone --version`", ms: median(versionSamples.map((s) => s.ms)), rssMB: Math.max(...versionSamples.map((s) => s.rssMB)), target: "< 25 ms" },
  { ...(await scenario("`hone -p` one round trip", () => [reply(text("Hello there."))], ["-p", "say hello"])), target: "< 60 ms, < 70 MB" },
  { ...(await scenario("six-turn write/run/read/edit/run/answer", sixTurns, ["-p", "do it", "--permission-mode", "bypassPermissions"])), target: "< 150 ms" },
];

/** Tokens (chars / 4) of the system prompt and tool schemas the first request carries. */
async function promptSize(args: string[], env: Record<string, string> = {}): Promise<{ system: number; tools: number; count: number }> {
  const dir = project();
  const api = await startMockApi({ steps: [reply(text("ok"))] });
  try {
    await timeRun(["-p", "hi", ...args], { ANTHROPIC_API_KEY: "bench", ANTHROPIC_BASE_URL: api.url, ...env }, dir);
    const body = api.requests[0]!.body;
    const tools = body.tools ?? [];
    return { system: Math.round(JSON.stringify(body.system).length / 4), tools: Math.round(JSON.stringify(tools).length / 4), count: tools.length };
  } finally {
    await api.close();
  }
}

const everything = resolve(import.meta.dir, "../../node_modules/@modelcontextprotocol/server-everything/dist/index.js");
const mcpConfig = JSON.stringify({ mcpServers: { everything: { command: "node", args: [everything] } } });
const sizes = [
  { name: "built-in tools and bundled skills", ...(await promptSize([])) },
  { name: "+ server-everything, schemas deferred (default)", ...(await promptSize(["--mcp-config", mcpConfig])) },
  { name: "+ server-everything, ENABLE_TOOL_SEARCH=false", ...(await promptSize(["--mcp-config", mcpConfig], { ENABLE_TOOL_SEARCH: "false" })) },
];
const sizeTable = [
  "| first request carries | system prompt | tool schemas (count) |",
  "|---|---|---|",
  ...sizes.map((r) => `| ${r.name} | ${r.system} tokens | ${r.tools} tokens (${r.count}) |`),
].join("\n");

// Issue 6: three long sessions crossing a 200k window (one run each; see long-sessions.ts).
const longSessions = await longSessionSection();

// Issue 8: the interactive terminal in tmux (see repl-bench.ts).
const repl = await replSection(RUNS);

const machine = `${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}, Bun ${Bun.version}`;
const table = [
  "| measurement | median wall | peak RSS | target |",
  "|---|---|---|---|",
  ...rows.map((r) => `| ${r.name} | ${r.ms.toFixed(1)} ms | ${r.rssMB.toFixed(1)} MB | ${r.target} |`),
].join("\n");
const section = `<!-- bench:start -->\nMachine: ${machine}. Runs per row: ${RUNS} (\`--version\`: ${RUNS * 2}). Measured ${new Date().toISOString().slice(0, 10)}.\n\n${table}\n\nPrompt size (characters / 4):\n\n${sizeTable}\n\n${longSessions}\n\n${repl}\n<!-- bench:end -->`;
console.log(section);

// The same table lives in BENCHMARKS.md and the README; both are rewritten between their markers.
for (const name of ["BENCHMARKS.md", "README.md"]) {
  const file = resolve(import.meta.dir, "../..", name);
  const current = readFileSync(file, "utf8");
  writeFileSync(file, current.replace(/<!-- bench:start -->[\s\S]*<!-- bench:end -->/, section));
}
