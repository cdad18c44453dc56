// ExitWorktree: the main agent leaves the worktree it entered. Whatever it changed there is committed on
// the worktree's branch (never merged), the shell goes back to the original folder, and the folder is
// removed or kept as asked. A worktree with no changes is removed together with its branch.
import { z } from "zod";
import { defineTool, ToolError } from "../tool.ts";

const description = `Leaves the worktree entered with EnterWorktree: commits all changes on its branch (nothing is merged) and returns to the previous folder. action "remove" (default) deletes the folder, "keep" keeps it; a branch without changes is deleted. Tell the user the branch and files the result names.`;

export const exitWorktreeTool = defineTool({
  name: "ExitWorktree",
  description,
  readOnly: false,
  input: z.object({
    action: z.enum(["keep", "remove"]).optional().describe('"remove" (default) deletes the worktree folder after committing; "keep" leaves it'),
  }),
  async run(input, ctx) {
    const worktree = ctx.session.worktree;
    if (!worktree) throw new ToolError("You are not working in a worktree: there is nothing to exit (EnterWorktree starts one).");
    const action = input.action ?? "remove";
    // Loaded when used: most runs never enter a worktree.
    const [{ createGitRunner, GitError }, { describeFinish, finishWorktree }] = await Promise.all([import("../git-run.ts"), import("../worktree.ts")]);
    const git = createGitRunner({ signal: ctx.signal });
    const message = `hone: work from the worktree ${worktree.branch}`;
    // On failure the session stays in the worktree, so nothing is lost and the call can be retried.
    const result = await finishWorktree(worktree, { message, keep: action === "keep", git }).catch((error: unknown) => {
      if (error instanceof GitError) throw new ToolError(`Could not finish the worktree ${worktree.path}: ${error.message}`);
      throw error;
    });
    ctx.session.cwd = worktree.original;
    ctx.session.worktree = undefined;
    return {
      content: `Left the worktree; the shell is back in ${worktree.original}.\n${describeFinish(result)}`,
      structured: {
        action,
        originalCwd: worktree.original,
        worktreePath: result.path,
        worktreeBranch: result.branch,
        changedFiles: result.changedFiles,
        commit: result.commit,
        removed: result.removed,
        branchDeleted: result.branchDeleted,
      },
    };
  },
});
