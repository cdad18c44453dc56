// The gh commands undercover mode checks: pull request, issue and release titles, bodies, comments
// and notes (`gh pr create|edit|comment|review|merge`, `gh issue create|edit|comment`, `gh release
// create|edit`), inline or from a file. The repository's host decides in auto mode: `-R HOST/OWNER/REPO`,
// github.com for `-R OWNER/REPO`, else the local repository's remote.
import { activeForRemote, repositoryRemote } from "./undercover-config.ts";
import type { GitCheckContext } from "./undercover-git.ts";
import { fileSource, inlineSource, judgeMessages, type MessageSource, type Verdict } from "./undercover-messages.ts";
import { parseArgs, spec, type OptSpec } from "./undercover-options.ts";
import { literal, optWord, type SimpleCommand } from "./undercover-shell.ts";

const REPO = "R|repo=";
const PR_FIELDS = "t|title=, b|body=, F|body-file=, B|base=, H|head=, a|assignee=, l|label=, m|milestone=, p|project=, r|reviewer=, T|template=, recover=";
const EDIT_FIELDS = "add-assignee=, remove-assignee=, add-label=, remove-label=, add-project=, remove-project=, add-reviewer=, remove-reviewer=, remove-milestone, m|milestone=";

const SPECS: Record<string, OptSpec> = {
  "pr create": spec(false, true, `${REPO}, ${PR_FIELDS}, d|draft, f|fill, fill-first, fill-verbose, w|web, dry-run, no-maintainer-edit, e|editor`),
  "pr edit": spec(false, true, `${REPO}, t|title=, b|body=, F|body-file=, B|base=, ${EDIT_FIELDS}`),
  "pr comment": spec(false, true, `${REPO}, b|body=, F|body-file=, e|editor, w|web, edit-last, delete-last, yes, create-if-none`),
  "pr review": spec(false, true, `${REPO}, b|body=, F|body-file=, a|approve, c|comment, r|request-changes`),
  "pr merge": spec(false, true, `${REPO}, b|body=, F|body-file=, t|subject=, A|author-email=, match-head-commit=, s|squash, m|merge, r|rebase, d|delete-branch, auto, disable-auto, admin`),
  "issue create": spec(false, true, `${REPO}, t|title=, b|body=, F|body-file=, a|assignee=, l|label=, m|milestone=, p|project=, T|template=, recover=, w|web, e|editor`),
  "issue edit": spec(false, true, `${REPO}, t|title=, b|body=, F|body-file=, ${EDIT_FIELDS}`),
  "issue comment": spec(false, true, `${REPO}, b|body=, F|body-file=, e|editor, w|web, edit-last, delete-last, yes, create-if-none`),
  "release create": spec(false, true, `${REPO}, t|title=, n|notes=, F|notes-file=, target=, discussion-category=, notes-start-tag=, latest?, d|draft, p|prerelease, generate-notes, verify-tag, notes-from-tag, fail-on-no-commits`),
  "release edit": spec(false, true, `${REPO}, t|title=, n|notes=, F|notes-file=, tag=, target=, discussion-category=, latest?, draft?, prerelease?, verify-tag`),
};

/** The URL of the repository a gh command acts on, for auto mode. */
function targetUrl(repo: string | undefined, ctx: GitCheckContext): string | undefined {
  if (repo === undefined) return repositoryRemote(ctx.cwd);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(repo)) return repo;
  const parts = repo.split("/");
  return parts.length >= 3 ? `https://${repo}` : `https://github.com/${repo}`;
}

/** Checks one `gh ...` simple command whose program word is at `at`. */
export function checkGh(command: SimpleCommand, at: number, ctx: GitCheckContext, verdict: Verdict): void {
  const texts = command.words.map(literal);
  const group = texts[at + 1];
  const sub = texts[at + 2];
  if (group === undefined || sub === undefined) return;
  const key = `${group === "issues" ? "issue" : group} ${sub === "new" ? "create" : sub}`;
  const table = SPECS[key];
  if (!table) return;
  const parsed = parseArgs(command.words.map(optWord), at + 3, table);
  const repoOpt = parsed.opts.find((o) => o.name === "repo");
  if (!activeForRemote(ctx.config, targetUrl(repoOpt?.value, ctx))) return;
  for (const i of parsed.unknown) {
    verdict.blocks.push(`an argument of gh ${key} (${command.words[i]?.raw ?? "?"}) is only known when the command runs, and could carry text undercover mode cannot check`);
  }
  const noun = group === "release" ? "release" : key.startsWith("issue") ? (sub === "comment" ? "issue comment" : "issue") : sub === "comment" ? "PR comment" : sub === "review" ? "PR review" : "PR";
  const sources = parsed.opts.flatMap((opt): MessageSource[] => {
    const shown = opt.prefix ?? command.words[opt.index]?.raw ?? opt.name;
    if (opt.name === "title" || opt.name === "subject") return [inlineSource(`the ${noun} ${opt.name} (${shown})`, opt, command)];
    if (opt.name === "body" || opt.name === "notes") return [inlineSource(`the ${noun} ${opt.name === "notes" ? "notes" : "body"} (${shown})`, opt, command, "keep")];
    if (opt.name === "body-file") return [fileSource(`the ${noun} body`, opt, command, ctx.cwd, { long: "--body" }, "keep")];
    if (opt.name === "notes-file") return [fileSource(`the ${noun} notes`, opt, command, ctx.cwd, { long: "--notes" }, "keep")];
    return [];
  });
  judgeMessages(sources, command, ctx.config, verdict);
}
