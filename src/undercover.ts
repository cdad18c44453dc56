// Undercover mode's gate on shell commands. A command line is parsed into every simple command it runs
// (chains, pipelines, substitutions, wrappers such as env or sudo, `bash -c` strings); git and gh
// commands that send text out are checked (undercover-git.ts, undercover-gh.ts). Attribution lines are
// cleaned by rewriting the command; codenames, unreleased model names, internal URLs, and texts that are
// only known at run time block it, with a reason naming what was found and where.
import { basename, isAbsolute, resolve } from "node:path";
import { peel } from "./bash-peel.ts";
import { SHELLS } from "./bash-commands.ts";
import { toArg } from "./bash-words.ts";
import { homeDir } from "./config-dir.ts";
import { createGitRunner, type GitRunner } from "./git-run.ts";
import { parseShell } from "./shell-parse.ts";
import { undercoverActive, type UndercoverConfig } from "./undercover-config.ts";
import { checkGh } from "./undercover-gh.ts";
import { checkGit, type GitCheckContext } from "./undercover-git.ts";
import { emptyVerdict, type Verdict } from "./undercover-messages.ts";
import { applyEdits, literal, shellQuote, simpleCommands, type SimpleCommand } from "./undercover-shell.ts";
import type { Finding } from "./undercover-scan.ts";

export { cleanText, describeFinding, scanText, type Cleaned, type Finding, type FindingKind } from "./undercover-scan.ts";

export type GateDecision =
  | { action: "allow" }
  | { action: "rewrite"; command: string; removed: Finding[] }
  | { action: "block"; reason: string };

export interface GateContext {
  config: UndercoverConfig;
  /** The folder the command starts in (the Bash tool's working directory). */
  cwd: string;
  /** For `~` in `cd ~`; default: HOME. */
  home?: string;
  /** Runs git for the checks (default: the git on PATH). */
  git?: GitRunner;
}

/** How deep `bash -c '...'` strings are followed. */
const MAX_DEPTH = 4;

interface ScriptResult {
  verdict: Verdict;
  /** The rewritten script when the verdict has edits and they could be applied. */
  rewritten?: string;
}

class Gate {
  private readonly activeByDir = new Map<string, boolean>();
  constructor(
    readonly config: UndercoverConfig,
    readonly git: GitRunner,
    readonly home: string,
  ) {}

  readonly active = (dir: string): boolean => {
    let known = this.activeByDir.get(dir);
    if (known === undefined) {
      known = undercoverActive(this.config, dir);
      this.activeByDir.set(dir, known);
    }
    return known;
  };

  async script(source: string, cwd: string, depth: number): Promise<ScriptResult> {
    const commands = simpleCommands(parseShell(source).node);
    const ctx: GitCheckContext = { config: this.config, git: this.git, cwd, stage: { tracked: false, all: false, paths: [] }, active: this.active };
    const verdict = emptyVerdict();
    for (const command of commands) {
      const args = command.words.map((w) => toArg(w, this.home));
      const core = peel(args).chain.at(-1) ?? [];
      const at = core[0] === undefined ? -1 : args.indexOf(core[0]);
      const program = at === -1 ? undefined : literal(command.words[at]!);
      if (program === undefined) continue;
      const name = basename(program);
      if (name === "cd" && !command.nested) ctx.cwd = this.cd(command, at, ctx.cwd);
      else if (name === "git") await checkGit(command, at, ctx, verdict);
      else if (name === "gh") checkGh(command, at, ctx, verdict);
      else if ((SHELLS.has(name) || name === "eval") && depth < MAX_DEPTH) await this.nested(command, at, name, ctx.cwd, depth, verdict);
    }
    if (verdict.blocks.length > 0 || verdict.edits.length === 0) return { verdict };
    const rewritten = applyEdits(source, commands, verdict.edits);
    if (rewritten === undefined) verdict.blocks.push(`the command carries ${verdict.removed.map((f) => `an AI attribution line in ${f.source ?? "its text"}`).join(", ")}, and hone could not rewrite it safely: remove those lines and run it again`);
    return rewritten === undefined ? { verdict } : { verdict, rewritten };
  }

  private cd(command: SimpleCommand, at: number, cwd: string): string {
    const arg = command.words[at + 1];
    if (!arg) return this.home;
    const dir = literal(arg);
    if (dir === undefined || dir === "-") return cwd;
    const expanded = dir === "~" || dir.startsWith("~/") ? this.home + dir.slice(1) : dir;
    return isAbsolute(expanded) ? expanded : resolve(cwd, expanded);
  }

  /** `bash -c 'script'` and `eval 'script'`: the script is checked like a command line of its own. */
  private async nested(command: SimpleCommand, at: number, name: string, cwd: string, depth: number, verdict: Verdict): Promise<void> {
    const texts = command.words.map(literal);
    let scriptAt = -1;
    if (name === "eval") scriptAt = at + 1 < texts.length ? at + 1 : -1;
    else {
      const flag = texts.findIndex((t, i) => i > at && t !== undefined && /^-[a-zA-Z]*c[a-zA-Z]*$/.test(t));
      scriptAt = flag === -1 ? -1 : flag + 1;
    }
    if (scriptAt === -1 || scriptAt >= texts.length) return;
    const script = name === "eval" ? (texts.slice(scriptAt).every((t) => t !== undefined) ? texts.slice(scriptAt).join(" ") : undefined) : texts[scriptAt];
    if (script === undefined) return;
    const inner = await this.script(script, cwd, depth + 1);
    verdict.blocks.push(...inner.verdict.blocks);
    if (inner.verdict.edits.length === 0 || inner.verdict.blocks.length > 0) return;
    if (inner.rewritten === undefined || name === "eval") {
      verdict.blocks.push("an AI attribution line inside a nested command cannot be removed there: remove it and run the command again");
      return;
    }
    verdict.removed.push(...inner.verdict.removed);
    verdict.edits.push({ command, from: scriptAt, to: scriptAt, words: [shellQuote(inner.rewritten)] });
  }
}

/**
 * Checks a shell command before it runs while undercover mode is on (callers skip it when the mode is
 * off). Resolves to allow, a rewritten command with the attribution lines removed, or a block whose
 * reason is written for the model.
 */
export async function checkCommand(command: string, context: GateContext): Promise<GateDecision> {
  if (context.config.mode === "off") return { action: "allow" };
  const gate = new Gate(context.config, context.git ?? createGitRunner(), context.home ?? homeDir(process.env));
  const result = await gate.script(command, context.cwd, 0);
  const { blocks, removed } = result.verdict;
  if (blocks.length > 0) return { action: "block", reason: `Undercover mode stopped this command: ${[...new Set(blocks)].join("; ")}.` };
  if (result.rewritten !== undefined && result.rewritten !== command) return { action: "rewrite", command: result.rewritten, removed };
  return { action: "allow" };
}
