// The git commands undercover mode checks: `git commit` (messages, trailers, reused and amended
// messages, and the comments its changes add), `git tag` and `git merge` messages, and `git push`
// (the messages of every commit it would publish). `git add` earlier in the same command is followed
// so a later commit's check sees what will be staged by then.
import { isAbsolute, resolve } from "node:path";
import type { GitRunner } from "./git-run.ts";
import { activeForRemote, remoteUrl, repositoryRemote, type UndercoverConfig } from "./undercover-config.ts";
import { commitCommentFindings, type StageIntent } from "./undercover-diff.ts";
import { blockReason, fileSource, inlineSource, judgeMessages, type MessageSource, type Verdict } from "./undercover-messages.ts";
import { hasOpt, optsNamed, parseArgs, spec, type ParsedArgs } from "./undercover-options.ts";
import { scanText, type Finding } from "./undercover-scan.ts";
import { literal, optWord, shellQuote, type SimpleCommand } from "./undercover-shell.ts";

export interface GitCheckContext {
  config: UndercoverConfig;
  git: GitRunner;
  cwd: string;
  /** What earlier parts of the command stage (updated by `git add`). */
  stage: StageIntent;
  /** Whether the mode is on for a repository folder (auto mode asks its remote once). */
  active: (cwd: string) => boolean;
}

const COMMIT = spec(true, false, "m|message=, F|file=, C|reuse-message=, c|reedit-message=, t|template=, author=, date=, cleanup=, fixup=, squash=, trailer=, pathspec-from-file=, u|untracked-files?, S|gpg-sign?, a|all, p|patch, i|include, o|only, q|quiet, v|verbose, s|signoff, n|no-verify, verify, e|edit, no-edit, amend, allow-empty, allow-empty-message, dry-run, short, branch, porcelain, long, z|null, status, no-status, reset-author, interactive, no-post-rewrite, pathspec-file-nul, no-gpg-sign, ahead-behind, no-ahead-behind");
const TAG = spec(true, false, "m|message=, F|file=, u|local-user=, cleanup=, sort=, format=, contains?, no-contains?, points-at?, merged?, no-merged?, trailer=, n?, column?, color?, a|annotate, s|sign, d|delete, v|verify, l|list, f|force, i|ignore-case, e|edit, no-edit, create-reflog, no-column");
const MERGE = spec(true, false, "m|message=, F|file=, s|strategy=, X|strategy-option=, cleanup=, into-name=, S|gpg-sign?, log?, n|no-stat, stat, summary, no-summary, commit, no-commit, e|edit, no-edit, ff, no-ff, ff-only, no-log, squash, no-squash, verify, no-verify, verify-signatures, no-verify-signatures, q|quiet, v|verbose, progress, no-progress, autostash, no-autostash, allow-unrelated-histories, rerere-autoupdate, no-rerere-autoupdate, abort, quit, continue, signoff, no-signoff, overwrite-ignore");
const PUSH = spec(true, false, "o|push-option=, repo=, receive-pack=, exec=, force-with-lease?, signed?, recurse-submodules=, all, branches, mirror, tags, follow-tags, d|delete, n|dry-run, porcelain, f|force, force-if-includes, u|set-upstream, thin, no-thin, q|quiet, v|verbose, progress, prune, no-verify, verify, atomic, 4|ipv4, 6|ipv6");
const ADD = spec(true, false, "chmod=, pathspec-from-file=, A|all, no-all, u|update, n|dry-run, v|verbose, f|force, i|interactive, p|patch, e|edit, N|intent-to-add, refresh, ignore-errors, ignore-missing, renormalize, sparse, no-ignore-removal, ignore-removal, pathspec-file-nul");

/** Global options before the subcommand: where it runs and where the subcommand word is. */
function subcommand(command: SimpleCommand, at: number, cwd: string): { index: number; cwd: string } | undefined {
  let dir = cwd;
  let i = at + 1;
  while (i < command.words.length) {
    const word = command.words[i] as SimpleCommand["words"][number];
    const text = literal(word);
    if (text === undefined) return undefined;
    if (!text.startsWith("-")) return { index: i, cwd: dir };
    if (text === "-C") {
      const path = command.words[i + 1] ? literal(command.words[i + 1]!) : undefined;
      if (path === undefined) return undefined;
      dir = isAbsolute(path) ? path : resolve(dir, path);
      i += 2;
    } else if (text === "-c" || /^--(git-dir|work-tree|namespace|config-env|exec-path|super-prefix)$/.test(text)) i += 2;
    else i++;
  }
  return undefined;
}

function unknownArgs(parsed: ParsedArgs, command: SimpleCommand, what: string): string[] {
  return parsed.unknown.map((i) => `an argument of ${what} (${command.words[i]?.raw ?? "?"}) is only known when the command runs, and could carry a message undercover mode cannot check`);
}

async function commitMessage(git: GitRunner, cwd: string, ref: string): Promise<string | undefined> {
  const result = await git(["log", "-1", "--format=%B", ref, "--"], cwd).catch(() => undefined);
  return result?.code === 0 ? result.stdout.replace(/\n+$/, "\n") : undefined;
}

/** `key=value` trailers read as `key: value`, the way they end up in the message. */
function trailerSource(source: MessageSource): MessageSource {
  return source.text === undefined ? source : { ...source, text: source.text.replace(/^([\w-]+)\s*=\s*/, "$1: ") };
}

async function checkCommit(command: SimpleCommand, sub: number, ctx: GitCheckContext, verdict: Verdict): Promise<void> {
  const words = command.words.map(optWord);
  const parsed = parseArgs(words, sub + 1, COMMIT);
  if (hasOpt(parsed, "dry-run")) return;
  verdict.blocks.push(...unknownArgs(parsed, command, "git commit"));
  const sources: MessageSource[] = [];
  const messages: MessageSource[] = [];
  for (const opt of parsed.opts) {
    if (opt.name === "message") messages.push(inlineSource(`the commit message (${opt.prefix ?? command.words[opt.index]?.raw})`, opt, command, "drop"));
    else if (opt.name === "file") messages.push(fileSource("the commit message", opt, command, ctx.cwd, { short: "-m", long: "--message" }, "keep"));
    else if (opt.name === "trailer") sources.push(trailerSource(inlineSource("a commit trailer (--trailer)", opt, command, "drop")));
    else if (opt.name === "template") sources.push({ ...fileSource("the commit template", opt, command, ctx.cwd, { long: "--template" }), rewrite: () => undefined });
    else if (opt.name === "reuse-message" || opt.name === "reedit-message") {
      const ref = opt.value;
      const text = ref === undefined ? undefined : await commitMessage(ctx.git, ctx.cwd, ref);
      sources.push({ label: `the message reused from ${ref ?? "another commit"}`, text, why: ref === undefined ? "the commit is named at run time" : `${ref} is not a commit` });
    }
  }
  const amend = optsNamed(parsed, "amend")[0];
  const reused = sources.some((s) => s.label.startsWith("the message reused"));
  if (amend && messages.length === 0 && !reused) {
    const text = await commitMessage(ctx.git, ctx.cwd, "HEAD");
    const raw = command.words[amend.index]?.raw ?? "--amend";
    messages.push({ label: "the message --amend keeps", text, why: "HEAD has no message", rewrite: (cleaned) => (amend.plain ? { from: amend.index, to: amend.index, words: [raw, "-m", shellQuote(cleaned)] } : undefined) });
  }
  judgeWhole(messages, "commit", command, ctx, verdict);
  judgeMessages(sources, command, ctx.config, verdict);
  const stage: StageIntent = {
    tracked: ctx.stage.tracked || hasOpt(parsed, "all"),
    all: ctx.stage.all || hasOpt(parsed, "pathspec-from-file"),
    paths: [...ctx.stage.paths, ...pathspecs(parsed, command, ctx.cwd)],
  };
  const comments = await commitCommentFindings(ctx.git, ctx.cwd, stage, ctx.config);
  if (comments.length > 0) verdict.blocks.push(`the commit adds ${blockReason(comments)}`);
}

/** Judges the parts of one message; cleaning must leave something of it. */
function judgeWhole(parts: MessageSource[], what: string, command: SimpleCommand, ctx: GitCheckContext, verdict: Verdict): void {
  const before = verdict.removed.length;
  const cleaned = judgeMessages(parts, command, ctx.config, verdict);
  if (parts.length > 0 && verdict.removed.length > before && cleaned.every((t) => t.trim() === "")) {
    verdict.blocks.push(`the ${what} message is nothing but AI attribution; write one that describes the change`);
  }
}

function pathspecs(parsed: ParsedArgs, command: SimpleCommand, cwd: string): string[] {
  return parsed.positionals.map((i) => {
    const text = literal(command.words[i]!);
    return text === undefined ? cwd : isAbsolute(text) ? text : resolve(cwd, text);
  });
}

/** `git add`: what it stages, for the commit that may follow. */
function noteAdd(command: SimpleCommand, sub: number, ctx: GitCheckContext): void {
  const parsed = parseArgs(command.words.map(optWord), sub + 1, ADD);
  if (hasOpt(parsed, "dry-run")) return;
  if (hasOpt(parsed, "all", "pathspec-from-file") || parsed.unknown.length > 0) ctx.stage.all = true;
  if (hasOpt(parsed, "update")) ctx.stage.tracked = true;
  ctx.stage.paths.push(...pathspecs(parsed, command, ctx.cwd));
}

async function checkMessagesOnly(command: SimpleCommand, sub: number, ctx: GitCheckContext, verdict: Verdict, what: "tag" | "merge"): Promise<void> {
  const parsed = parseArgs(command.words.map(optWord), sub + 1, what === "tag" ? TAG : MERGE);
  verdict.blocks.push(...unknownArgs(parsed, command, `git ${what}`));
  const messages = parsed.opts.flatMap((opt): MessageSource[] => {
    if (opt.name === "message") return [inlineSource(`the ${what} message (${opt.prefix ?? command.words[opt.index]?.raw})`, opt, command, "drop")];
    if (opt.name === "file") return [fileSource(`the ${what} message`, opt, command, ctx.cwd, { short: "-m", long: "--message" }, "keep")];
    return [];
  });
  const trailers = optsNamed(parsed, "trailer").map((opt) => trailerSource(inlineSource(`a ${what} trailer (--trailer)`, opt, command, "drop")));
  judgeWhole(messages, what, command, ctx, verdict);
  judgeMessages(trailers, command, ctx.config, verdict);
}

/** The revisions `git push` would publish and the remote it goes to. */
async function pushTarget(command: SimpleCommand, parsed: ParsedArgs, ctx: GitCheckContext): Promise<{ url: string | undefined; revs: string[]; remote: string | undefined } | string> {
  const positional = parsed.positionals.map((i) => literal(command.words[i]!));
  if (positional.some((p) => p === undefined)) return "the remote or a refspec of git push is only known when the command runs";
  const [target, ...refspecs] = positional as string[];
  const isUrl = target !== undefined && /[:/]/.test(target);
  const url = target === undefined ? repositoryRemote(ctx.cwd) : isUrl ? target : remoteUrl(ctx.cwd, target, true);
  const revs: string[] = [];
  if (hasOpt(parsed, "all", "branches")) revs.push("--branches");
  if (hasOpt(parsed, "mirror")) revs.push("--all");
  if (hasOpt(parsed, "tags")) revs.push("--tags");
  for (const refspec of refspecs) {
    const src = refspec.replace(/^\+/, "").split(":")[0] ?? "";
    if (src !== "") revs.push(src);
  }
  if (revs.length === 0 && refspecs.length === 0) revs.push("HEAD");
  return { url, revs, remote: target !== undefined && !isUrl ? target : undefined };
}

async function checkPush(command: SimpleCommand, sub: number, ctx: GitCheckContext, verdict: Verdict): Promise<void> {
  const parsed = parseArgs(command.words.map(optWord), sub + 1, PUSH);
  if (hasOpt(parsed, "dry-run", "delete")) return;
  const target = await pushTarget(command, parsed, ctx);
  if (typeof target === "string") {
    verdict.blocks.push(target);
    return;
  }
  if (!activeForRemote(ctx.config, target.url) || target.revs.length === 0) return;
  const not = target.remote === undefined ? "--remotes" : `--remotes=${target.remote}`;
  const log = await ctx.git(["log", "--format=%H%x1f%B%x1e", "--max-count=500", ...target.revs, "--not", not, "--"], ctx.cwd).catch(() => undefined);
  if (log?.code !== 0) return;
  const findings: Finding[] = [];
  for (const entry of log.stdout.split("\x1e")) {
    const [hash, message] = entry.replace(/^\n/, "").split("\x1f");
    if (!hash || message === undefined) continue;
    findings.push(...scanText(message, ctx.config).map((f) => ({ ...f, source: `the message of commit ${hash.slice(0, 10)}` })));
  }
  if (findings.length > 0) verdict.blocks.push(`git push would publish ${blockReason(findings)}; reword those commits (git commit --amend, or git rebase -i) before pushing`);
}

/** Checks one `git ...` simple command whose program word is at `at`. */
export async function checkGit(command: SimpleCommand, at: number, ctx: GitCheckContext, verdict: Verdict): Promise<void> {
  const found = subcommand(command, at, ctx.cwd);
  if (!found) return;
  const sub = literal(command.words[found.index]!);
  const here: GitCheckContext = { ...ctx, cwd: found.cwd };
  if (sub === "add") return noteAdd(command, found.index, here);
  if (sub === "push") return checkPush(command, found.index, here, verdict);
  if (sub !== "commit" && sub !== "tag" && sub !== "merge") return;
  if (!ctx.active(found.cwd)) return;
  if (sub === "commit") return checkCommit(command, found.index, here, verdict);
  return checkMessagesOnly(command, found.index, here, verdict, sub);
}
