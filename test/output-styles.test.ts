// Output styles: built-ins, discovery in user/project/plugin folders with their frontmatter,
// precedence, bad files, the setting's resolution and the effect on the system prompt.
import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describeOutputStyles, findOutputStyle, listOutputStyles, promptStyle, resolveOutputStyle, systemPromptForStyle, type StyleSources } from "../src/output-styles.ts";
import { buildSystemPrompt, type PromptEnvironment } from "../src/system-prompt.ts";

function temp(prefix: string): string {
  return realpathSync(mkdtempSync(join(tmpdir(), prefix)));
}

function write(path: string, content: string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}

/** A private HOME and a project folder (not a git repository, so only cwd counts as the project). */
function place(): StyleSources & { home: string } {
  const home = temp("hone-styles-home-");
  return { home, cwd: temp("hone-styles-proj-"), env: { HOME: home } };
}

const style = (name: string, body: string, extra = "") => `---\nname: ${name}\ndescription: ${name} style\n${extra}---\n${body}\n`;

describe("listing and finding", () => {
  test("built-ins come first; find is case-insensitive", () => {
    const { styles, warnings } = listOutputStyles(place());
    expect(styles.map((s) => s.name)).toEqual(["Default", "Explanatory", "Learning"]);
    expect(warnings).toEqual([]);
    expect(findOutputStyle("explanatory", styles)?.prompt).toContain("Insight");
    expect(findOutputStyle(" LEARNING ", styles)?.prompt).toContain("TODO(human)");
    expect(findOutputStyle("default", styles)?.prompt).toBe("");
    expect(findOutputStyle("nope", styles)).toBeUndefined();
  });

  test("user files from ~/.claude and ~/.hone: name defaults to the file name, keep-coding-instructions to false", () => {
    const p = place();
    write(join(p.home, ".claude", "output-styles", "pirate.md"), "Talk like a pirate.\n");
    write(join(p.home, ".hone", "output-styles", "terse.md"), style("Terse", "One line answers.", "keep-coding-instructions: true\n"));
    const { styles, warnings } = listOutputStyles(p);
    expect(warnings).toEqual([]);
    const pirate = findOutputStyle("pirate", styles)!;
    expect(pirate).toMatchObject({ name: "pirate", description: "", prompt: "Talk like a pirate.", keepCodingInstructions: false, source: "user" });
    expect(findOutputStyle("terse", styles)).toMatchObject({ name: "Terse", description: "Terse style", keepCodingInstructions: true, source: "user" });
    expect(styles.map((s) => s.name)).toEqual(["Default", "Explanatory", "Learning", "pirate", "Terse"]);
  });

  test("the project beats the user, .hone beats .claude, a custom style replaces a built-in of the same name", () => {
    const p = place();
    write(join(p.home, ".claude", "output-styles", "terse.md"), style("terse", "user version"));
    write(join(p.cwd, ".claude", "output-styles", "terse.md"), style("TERSE", "project version"));
    write(join(p.cwd, ".claude", "output-styles", "a.md"), style("shared", "from .claude"));
    write(join(p.cwd, ".hone", "output-styles", "b.md"), style("shared", "from .hone"));
    write(join(p.cwd, ".claude", "output-styles", "explanatory.md"), style("Explanatory", "my own explanations"));
    const { styles, warnings } = listOutputStyles(p);
    expect(findOutputStyle("terse", styles)?.prompt).toBe("project version");
    expect(findOutputStyle("shared", styles)?.prompt).toBe("from .hone");
    expect(findOutputStyle("explanatory", styles)).toMatchObject({ prompt: "my own explanations", source: "project" });
    expect(styles.filter((s) => s.name.toLowerCase() === "explanatory")).toHaveLength(1);
    // .hone and .claude of one project folder are one level: the second definition is reported.
    expect(warnings.map((w) => w.message)).toEqual([`output style "shared" is also defined in ${join(p.cwd, ".hone", "output-styles", "b.md")}; that one is used`]);
  });

  test("plugin styles are named plugin:name; force-for-plugin works only there", () => {
    const p = place();
    const root = temp("hone-styles-plugin-");
    write(join(root, "output-styles", "brief.md"), style("brief", "Plugin brevity.", "force-for-plugin: false\n"));
    write(join(p.home, ".claude", "output-styles", "pushy.md"), style("pushy", "Me first.", "force-for-plugin: true\n"));
    const { styles, warnings } = listOutputStyles({ ...p, plugins: [{ name: "kit", root }] });
    expect(findOutputStyle("kit:brief", styles)).toMatchObject({ source: "plugin", plugin: "kit", prompt: "Plugin brevity." });
    expect(findOutputStyle("pushy", styles)?.forceForPlugin).toBeUndefined();
    expect(warnings.map((w) => w.message)).toEqual(['"force-for-plugin" only works in a plugin\'s output style; ignored']);
  });

  test("bad files: a warning naming the file, the style skipped, the rest still loaded", () => {
    const p = place();
    const dir = join(p.home, ".claude", "output-styles");
    const unclosed = write(join(dir, "unclosed.md"), "---\nname: x\nbody without a closing fence\n");
    const notMap = write(join(dir, "list.md"), "---\n- one\n- two\n---\nbody\n");
    const empty = write(join(dir, "empty.md"), style("empty", ""));
    const named = write(join(dir, "mine.md"), style("default", "Not allowed."));
    const badBool = write(join(dir, "flag.md"), style("flag", "Flag body.", "keep-coding-instructions: sometimes\n"));
    write(join(dir, "fine.md"), style("fine", "Fine body."));
    const { styles, warnings } = listOutputStyles(p);
    expect(styles.map((s) => s.name)).toEqual(["Default", "Explanatory", "Learning", "fine", "flag"]);
    expect(findOutputStyle("flag", styles)?.keepCodingInstructions).toBe(false);
    const files = warnings.map((w) => w.file);
    for (const file of [unclosed, notMap, empty, named, badBool]) expect(files).toContain(file);
    expect(warnings.find((w) => w.file === unclosed)?.message).toContain("never closed");
    expect(warnings.find((w) => w.file === named)?.message).toContain("cannot be redefined");
    expect(warnings.find((w) => w.file === badBool)).toMatchObject({ line: 4 });
  });

  test("describeOutputStyles marks the current style and says where custom ones come from", () => {
    const p = place();
    write(join(p.cwd, ".claude", "output-styles", "terse.md"), style("terse", "Short."));
    const text = describeOutputStyles(listOutputStyles(p).styles, "TERSE");
    expect(text.split("\n")).toHaveLength(4);
    expect(text).toMatch(/^\* terse\s+terse style \(project\)$/m);
    expect(text).toMatch(/^ {2}Default\s+hone's own/m);
  });
});

describe("resolveOutputStyle", () => {
  test("unset → Default; a name in any case; unknown → a warning and Default", () => {
    const p = place();
    write(join(p.cwd, ".claude", "output-styles", "terse.md"), style("terse", "Short."));
    expect(resolveOutputStyle(undefined, p).style.name).toBe("Default");
    expect(resolveOutputStyle("Terse", p).style.prompt).toBe("Short.");
    const unknown = resolveOutputStyle("Sarcastic", p);
    expect(unknown.style.name).toBe("Default");
    expect(unknown.warnings).toEqual(['outputStyle: no output style named "Sarcastic" (available: Default, Explanatory, Learning, terse); using Default']);
  });

  test("a plugin style with force-for-plugin wins over the setting; load warnings come formatted with file:line", () => {
    const p = place();
    const root = temp("hone-styles-plugin-");
    write(join(root, "output-styles", "house.md"), style("house", "House rules.", "force-for-plugin: true\n"));
    const bad = write(join(p.home, ".claude", "output-styles", "bad.md"), style("bad", "x", "keep-coding-instructions: [1]\n"));
    const resolved = resolveOutputStyle("Explanatory", { ...p, plugins: [{ name: "corp", root }] });
    expect(resolved.style.name).toBe("corp:house");
    expect(resolved.warnings).toEqual([`${bad}:4: "keep-coding-instructions" must be true or false, not a list; ignored`]);
  });
});

describe("the system prompt", () => {
  const env: PromptEnvironment = { cwd: "/p", platform: "linux", date: "2025-01-01", model: "claude-sonnet-4-5", isGitRepo: true };
  const text = (blocks: { text: string }[]) => blocks.map((b) => b.text).join("\n");
  const plain = text(buildSystemPrompt(env, { instructions: "Project rule." }));

  test("Default leaves hone's prompt exactly as it is", () => {
    const styles = listOutputStyles(place()).styles;
    expect(promptStyle(findOutputStyle("default", styles)!)).toBeUndefined();
    expect(text(systemPromptForStyle(env, { instructions: "Project rule." }, findOutputStyle("default", styles)!))).toBe(plain);
  });

  test("a custom style replaces the coding rules; keep-coding-instructions keeps them; instructions stay", () => {
    const p = place();
    write(join(p.cwd, ".claude", "output-styles", "haiku.md"), style("haiku", "Answer in haiku."));
    write(join(p.cwd, ".claude", "output-styles", "keep.md"), style("keep", "Also explain.", "keep-coding-instructions: true\n"));
    const styles = listOutputStyles(p).styles;
    const haiku = text(buildSystemPrompt(env, { instructions: "Project rule.", style: promptStyle(findOutputStyle("haiku", styles)!) }));
    expect(haiku).toContain("# Output style: haiku\n\nAnswer in haiku.");
    expect(haiku).not.toContain("How to work:");
    expect(haiku).toContain("Working directory: /p");
    expect(haiku).toContain("Project rule.");
    const keep = text(buildSystemPrompt(env, { style: promptStyle(findOutputStyle("keep", styles)!) }));
    expect(keep).toContain("How to work:");
    expect(keep.indexOf("How to work:")).toBeLessThan(keep.indexOf("Also explain."));
  });

  test("switching styles mid-session, and --system-prompt winning over any style", () => {
    const styles = listOutputStyles(place()).styles;
    const learning = findOutputStyle("learning", styles)!;
    const options = { instructions: "Project rule.", style: promptStyle(findOutputStyle("explanatory", styles)!) };
    const switched = text(systemPromptForStyle(env, options, learning));
    expect(switched).toContain("TODO(human)");
    expect(switched).toContain("How to work:");
    expect(switched).not.toContain("# Output style: Explanatory");
    expect(text(systemPromptForStyle(env, options, findOutputStyle("default", styles)!))).toBe(plain);
    const replaced = text(systemPromptForStyle(env, { replace: "You are a calculator." }, learning));
    expect(replaced).toBe("You are a calculator.");
  });
});
