// EnterWorktree: the main agent moves its work into a fresh git worktree on a new branch, so its edits
// stay off the user's checkout until they are merged. The worktree folder lives in the session's own
// folder (beside tool-results), outside the repository, so the main tree shows nothing new.
import { z } from "zod";
import { defineTool, ToolError } from "../tool.ts";

const description = `Moves your work into a new git worktree (branch hone/<name> in a separate folder, from the current commit), only when the user asks for isolated work. Afterwards use absolute paths under the worktree path in the result. ExitWorktree commits your changes on the branch and comes back.`;

export const enterWorktreeTool = defineTool({
  name: "EnterWorktree",
  description,
  readOnly: false,
  input: z.object({
    name: z.string().max(200).optional().describe("A short name for the worktree and its branch (letters, digits, dots, dashes); generated when omitted"),
  }),
  async run(input, ctx) {
    const current = ctx.session.worktree;
    if (current) {
      throw new ToolError(`You are already working in the worktree ${current.path} (branch ${current.branch}). Call ExitWorktree before entering another one.`);
    }
    const name = input.name?.trim() || `session-${ctx.session.id.slice(0, 8)}`;
    // Loaded when used: most runs never enter a worktree.
    const [{ createGitRunner, GitError }, { createWorktree, sessionWorktreesDir }] = await Promise.all([import("../git-run.ts"), import("../worktree.ts")]);
    const git = createGitRunner({ signal: ctx.signal });
    const worktree = await createWorktree({ repoDir: ctx.session.cwd, parentDir: sessionWorktreesDir(ctx.session), name, git }).catch(
      (error: unknown) => {
        if (error instanceof GitError) throw new ToolError(`Could not create a worktree: ${error.message}`);
        throw error;
      },
    );
    ctx.session.worktree = worktree;
    ctx.session.cwd = worktree.path;
    ctx.session.addWorkingDirectory?.(worktree.path);
    const content = [
      `Created a worktree at ${worktree.path} on the new branch ${worktree.branch} (from commit ${worktree.base.slice(0, 12)}).`,
      `The shell now runs there. From now on, read and edit files only by absolute paths under ${worktree.path}; the original checkout at ${worktree.original} stays as it is.`,
      `When you are done, call ExitWorktree: it commits your changes on ${worktree.branch} and returns to ${worktree.original}.`,
    ].join("\n");
    return {
      content,
      structured: { worktreePath: worktree.path, worktreeBranch: worktree.branch, baseCommit: worktree.base, originalCwd: worktree.original },
    };
  },
});
