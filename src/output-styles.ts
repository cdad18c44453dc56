// Output styles: how the main agent talks to the user. The built-in Default (hone's own prompt as it
// is), Explanatory and Learning, plus markdown files in `output-styles/` folders: the user's (~/.hone,
// ~/.claude), the project's (.hone and .claude in cwd and each parent up to the git root) and enabled
// plugins'. The chosen style's body is added to the system prompt; unless it sets
// keep-coding-instructions, hone's software-engineering rules are left out (system-prompt.ts).
import { basename, join } from "node:path";
import { claudeHome, honeHome, type Env } from "./config-dir.ts";
import { formatSize, HEAD_BYTES, markdownFiles, readHead } from "./extension-files.ts";
import type { LoadWarning } from "./extension-types.ts";
import { formatWarning, projectDirs } from "./extensions.ts";
import { boolField, parseMarkdown, textField } from "./frontmatter.ts";
import type { TextBlock } from "./messages.ts";
import { isDirectory, realPathOr } from "./paths.ts";
import { buildSystemPrompt, type PromptEnvironment, type PromptOptions, type PromptStyle } from "./system-prompt.ts";

export interface OutputStyle {
  /** What `outputStyle` and `/output-style` name it: "Explanatory", "terse", "plugin:name" for plugins. */
  name: string;
  description: string;
  /** The instructions added to the system prompt ("" for Default). */
  prompt: string;
  keepCodingInstructions: boolean;
  source: "built-in" | "user" | "project" | "plugin";
  /** The markdown file; absent for built-ins. */
  path?: string;
  plugin?: string;
  /** A plugin style that applies itself whenever its plugin is enabled. */
  forceForPlugin?: boolean;
}

export const DEFAULT_STYLE_NAME = "Default";

const EXPLANATORY = `Besides doing the work, help the user understand the codebase and the reasoning behind your choices.
- Before and after writing code, add a short insight when there is something worth learning: why this approach over another, a pattern or convention the codebase follows, a trade-off you made, or a pitfall the change avoids.
- Mark each one so it stands apart from the rest of the answer, like this:
  ★ Insight ─────
  2 or 3 brief points, specific to this code, not general programming advice.
  ───────────────
- Keep insights in the conversation, never in the code or files you write. A longer answer is fine when it teaches something; still finish the task.`;

const LEARNING = `The user wants to learn by doing, so share the work with them instead of doing all of it.
- Add short insights as you go (marked with "★ Insight" and a rule line) about the codebase, the approach and its trade-offs, specific to this code.
- When a task involves a meaningful piece of logic (a design decision, an algorithm, error handling, a business rule) of roughly 2 to 10 lines, leave it for the user: write everything around it, put a \`TODO(human)\` comment where their code goes, and stop.
- Then ask them in a short section headed "Learn by doing": what the piece is for, where the TODO(human) is (file and function), what to think about, and what a good answer takes into account.
- Ask for one piece at a time and wait for their answer before going on. Routine code, boilerplate and configuration you write yourself.
- When they have written it, review it kindly: say what works, point out one thing that could be better, and connect it to the rest of the change.`;

const BUILTIN_STYLES: readonly OutputStyle[] = [
  { name: DEFAULT_STYLE_NAME, description: "hone's own: concise answers focused on getting the work done", prompt: "", keepCodingInstructions: true, source: "built-in" },
  { name: "Explanatory", description: "Does the work and explains the codebase and its choices in short Insight notes", prompt: EXPLANATORY, keepCodingInstructions: true, source: "built-in" },
  { name: "Learning", description: "Explains as it goes and asks you to write small pieces yourself (marked TODO(human))", prompt: LEARNING, keepCodingInstructions: true, source: "built-in" },
];

export interface StyleSources {
  cwd: string;
  env: Env;
  /** Enabled plugins (PluginDef fits): styles come from `<root>/output-styles`. */
  plugins?: readonly { name: string; root: string }[];
}

/** Instructions longer than this are refused: a style is sent with every request. */
const STYLE_LIMIT = HEAD_BYTES;

const key = (name: string) => name.toLowerCase();

function loadStyleFile(file: string, source: OutputStyle["source"], plugin: string | undefined, warnings: LoadWarning[]): OutputStyle | undefined {
  const read = readHead(file, STYLE_LIMIT);
  if (!read.ok) {
    warnings.push({ file, message: `${read.message}; output style skipped` });
    return undefined;
  }
  if (!read.head.complete) {
    warnings.push({ file, message: `is ${formatSize(read.head.size)}, over the ${formatSize(STYLE_LIMIT)} limit for an output style (it is sent with every request); skipped` });
    return undefined;
  }
  const parsed = parseMarkdown(read.head.text);
  if (!parsed.ok) {
    warnings.push({ file, ...(parsed.line === undefined ? {} : { line: parsed.line }), message: `${parsed.message}; output style skipped` });
    return undefined;
  }
  const { data, body, keyLines } = parsed.value;
  const warn = (field: string, message: string) => {
    const line = keyLines[field];
    warnings.push({ file, ...(line === undefined ? {} : { line }), message });
  };
  const own = textField(data, "name", warn) || basename(file, ".md");
  if (/[\n\r]/.test(own)) {
    warn("name", `output style name ${JSON.stringify(own)} spans lines; skipped`);
    return undefined;
  }
  const prompt = body.trim();
  if (prompt === "") {
    warnings.push({ file, message: "has no instructions after the frontmatter; output style skipped" });
    return undefined;
  }
  const force = boolField(data, "force-for-plugin", warn);
  if (force && plugin === undefined) warn("force-for-plugin", '"force-for-plugin" only works in a plugin\'s output style; ignored');
  return {
    name: plugin === undefined ? own : `${plugin}:${own}`,
    description: textField(data, "description", warn) ?? "",
    prompt,
    keepCodingInstructions: boolField(data, "keep-coding-instructions", warn) ?? false,
    source,
    path: file,
    ...(plugin === undefined ? {} : { plugin }),
    ...(force && plugin !== undefined ? { forceForPlugin: true } : {}),
  };
}

interface Folder {
  dir: string;
  source: OutputStyle["source"];
  /** One level (a project folder, the user, a plugin): a name defined twice in one level is reported. */
  group: string;
  plugin?: string;
}

/** Folders in precedence order: the project (closest first), the user, then plugins; .hone before .claude. */
function styleFolders(sources: StyleSources): Folder[] {
  const inLevel = (bases: string[], source: OutputStyle["source"], group: string) => bases.map((b): Folder => ({ dir: join(b, "output-styles"), source, group }));
  return [
    ...projectDirs(sources.cwd).flatMap((d) => inLevel([join(d, ".hone"), join(d, ".claude")], "project", `project:${d}`)),
    ...inLevel([honeHome(sources.env), claudeHome(sources.env)], "user", "user"),
    ...(sources.plugins ?? []).map((p): Folder => ({ dir: join(p.root, "output-styles"), source: "plugin", group: `plugin:${p.name}`, plugin: p.name })),
  ];
}

/**
 * Every style: built-ins first, then custom ones in name order. A custom style replaces a built-in of
 * the same name (except Default); between custom folders the first in precedence wins.
 */
export function listOutputStyles(sources: StyleSources): { styles: OutputStyle[]; warnings: LoadWarning[] } {
  const warnings: LoadWarning[] = [];
  const custom = new Map<string, { style: OutputStyle; group: string }>();
  const scanned = new Set<string>();
  for (const folder of styleFolders(sources)) {
    if (!isDirectory(folder.dir)) continue;
    const real = realPathOr(folder.dir);
    if (scanned.has(real)) continue;
    scanned.add(real);
    for (const { path } of markdownFiles(folder.dir, warnings)) {
      const style = loadStyleFile(path, folder.source, folder.plugin, warnings);
      if (!style) continue;
      if (key(style.name) === key(DEFAULT_STYLE_NAME)) {
        warnings.push({ file: path, message: `"${style.name}" is hone's own style (no added instructions) and cannot be redefined; pick another name. Skipped` });
        continue;
      }
      const held = custom.get(key(style.name));
      if (held) {
        if (held.group === folder.group) warnings.push({ file: path, message: `output style "${style.name}" is also defined in ${held.style.path}; that one is used` });
        continue;
      }
      custom.set(key(style.name), { style, group: folder.group });
    }
  }
  const builtins = BUILTIN_STYLES.filter((b) => !custom.has(key(b.name)));
  const sorted = [...custom.values()].map((c) => c.style).sort((a, b) => a.name.localeCompare(b.name));
  return { styles: [...builtins, ...sorted], warnings };
}

/** The style called `name`, in any letter case. */
export function findOutputStyle(name: string, styles: readonly OutputStyle[]): OutputStyle | undefined {
  const wanted = key(name.trim());
  return styles.find((s) => key(s.name) === wanted);
}

export function defaultStyle(): OutputStyle {
  return BUILTIN_STYLES[0]!;
}

/**
 * The style a run uses: a plugin style that forces itself, else the `outputStyle` setting, else
 * Default. An unknown name is a warning and Default. Warnings come formatted for the log.
 */
export function resolveOutputStyle(setting: string | undefined, sources: StyleSources): { style: OutputStyle; styles: OutputStyle[]; warnings: string[] } {
  const { styles, warnings: loadWarnings } = listOutputStyles(sources);
  const warnings = loadWarnings.map(formatWarning);
  const forced = styles.filter((s) => s.forceForPlugin);
  if (forced.length > 1) warnings.push(`output styles ${forced.map((s) => s.name).join(", ")} all force themselves; ${forced[0]!.name} is used`);
  if (forced[0]) return { style: forced[0], styles, warnings };
  if (setting === undefined || setting.trim() === "") return { style: defaultStyle(), styles, warnings };
  const found = findOutputStyle(setting, styles);
  if (found) return { style: found, styles, warnings };
  warnings.push(`outputStyle: no output style named "${setting}" (available: ${styles.map((s) => s.name).join(", ")}); using ${DEFAULT_STYLE_NAME}`);
  return { style: defaultStyle(), styles, warnings };
}

/** What buildSystemPrompt takes for a style (PromptOptions.style); undefined for Default. */
export function promptStyle(style: OutputStyle): PromptStyle | undefined {
  if (style.prompt === "") return undefined;
  return { name: style.name, prompt: style.prompt, keepCodingInstructions: style.keepCodingInstructions };
}

/** The whole system prompt with `style` in place of whatever style `options` had (switching mid-session). */
export function systemPromptForStyle(env: PromptEnvironment, options: PromptOptions, style: OutputStyle): TextBlock[] {
  const { style: _previous, ...rest } = options;
  const chosen = promptStyle(style);
  return buildSystemPrompt(env, chosen ? { ...rest, style: chosen } : rest);
}

/** The listing for `/output-style` without an argument: one line per style, the current one marked. */
export function describeOutputStyles(styles: readonly OutputStyle[], current: string): string {
  const width = Math.max(...styles.map((s) => s.name.length));
  return styles
    .map((s) => {
      const mark = key(s.name) === key(current) ? "*" : " ";
      const where = s.source === "built-in" ? "" : ` (${s.source})`;
      return `${mark} ${s.name.padEnd(width)}  ${s.description || "no description"}${where}`;
    })
    .join("\n");
}
