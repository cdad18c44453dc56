// hone's system prompt, in its own words and kept small: every token here is paid on every request.
// The whole prompt is fixed for the session (date included) so the prompt cache prefix never changes.
import type { TextBlock } from "./messages.ts";

export interface PromptEnvironment {
  cwd: string;
  platform: string;
  date: string;
  model: string;
  isGitRepo: boolean;
}

const INTRO = `You are hone, a coding agent working in the user's terminal. You read and change code, run commands, and keep going until the task is done or you need the user.`;

// The software-engineering rules: an output style without keep-coding-instructions replaces them.
const CODING = `How to work:
- Understand before you change: search with Grep and Glob, read the relevant code with Read, then act.
- Make the smallest change that fully solves the task and matches the surrounding style. Do not add features, comments or files nobody asked for.
- Edit existing files with Edit or MultiEdit; use Write only for new files or full rewrites. Read a file before changing it.
- Use Bash for builds, tests, git and other commands. Quote paths with spaces. Prefer the dedicated tools over cat, grep, find or sed.
- When several independent reads or searches are needed, request them in one message so they run together.
- Verify your work: run the tests or the program when you can, and fix what fails.
- Use TodoWrite to plan and track multi-step work; keep exactly one item in progress.
- Never invent file contents, command output or test results. If something fails, say so plainly.
- Do not commit, push or delete work unless the user asked for it.

How to answer:
- Be brief and direct. No preamble or flattery. Use Markdown sparingly.
- Refer to code as path:line so the user can jump to it.
- When done, say what changed and anything the user must still do.`;

const CORE = `${INTRO}\n\n${CODING}`;

/** What stays of hone's own prompt under an output style that drops the coding rules. */
const STYLED = `You are hone, an assistant working in the user's terminal, with tools to read files, search and run commands. Answer the way the output style below describes.
Never invent file contents, command output or results, and do not commit, push or delete anything unless the user asked for it.`;

export function environmentSection(env: PromptEnvironment): string {
  return [
    "Environment:",
    `- Working directory: ${env.cwd}`,
    `- Git repository: ${env.isGitRepo ? "yes" : "no"}`,
    `- Platform: ${env.platform}`,
    `- Date: ${env.date}`,
    `- Model: ${env.model}`,
  ].join("\n");
}

/** The selected output style (output-styles.ts); the Default style is no style at all. */
export interface PromptStyle {
  name: string;
  /** The style's instructions, added after hone's own prompt. */
  prompt: string;
  /** false: hone's software-engineering rules are left out and the style alone says how to answer. */
  keepCodingInstructions: boolean;
}

/** hone's own prompt: the core (or its styled variant), the environment, then the style's instructions. */
function ownPrompt(env: PromptEnvironment, style: PromptStyle | undefined): string {
  if (!style) return `${CORE}\n\n${environmentSection(env)}`;
  const core = style.keepCodingInstructions ? CORE : STYLED;
  return `${core}\n\n${environmentSection(env)}\n\n# Output style: ${style.name}\n\n${style.prompt.trim()}`;
}

export interface PromptOptions {
  /** --system-prompt replaces hone's own prompt entirely. */
  replace?: string;
  /** --append-system-prompt text, added after everything else. */
  append?: string[];
  /** The rendered instruction files (CLAUDE.md, AGENTS.md, ...), kept even when the prompt is replaced. */
  instructions?: string;
  /** Skill listing and MCP server instructions: after the instruction files, before appended text. */
  sections?: string[];
  /** An output style; ignored when `replace` is set (--system-prompt wins). */
  style?: PromptStyle;
}

export function buildSystemPrompt(env: PromptEnvironment, options: PromptOptions = {}): TextBlock[] {
  const parts = [options.replace ?? ownPrompt(env, options.style), options.instructions ?? "", ...(options.sections ?? []), ...(options.append ?? [])];
  return [{ type: "text", text: parts.filter((p) => p.trim() !== "").join("\n\n") }];
}
