// Undercover mode's text checks and configuration: what scanText finds (codenames, unreleased model
// names and versions, internal hosts and URLs, attribution lines), what cleanText removes and keeps,
// the settings and HONE_UNDERCOVER, remote host parsing, auto mode against real repositories' remotes,
// and the comment reader used on staged changes.
import { describe, expect, test } from "bun:test";
import { lineComments, commentStyle } from "../src/undercover-comments.ts";
import { isUnreleasedModelId, remoteHost, repositoryRemote, undercoverActive, undercoverConfig, undercoverPromptNote } from "../src/undercover-config.ts";
import { diffCommentFindings, fileCommentFindings } from "../src/undercover-diff.ts";
import { cleanText, scanText } from "../src/undercover.ts";
import { git, makeRepo } from "./support/git-repo.ts";

const config = undercoverConfig(
  { enabled: true, codenames: ["Falcon", "Blue Heron"], modelNames: ["kestrel-xl"], internalHosts: ["git.corp.example", "*.intra.example"], internalUrls: ["https://wiki.corp.example/team/"] },
  {},
);
const texts = (found: { text: string }[]) => found.map((f) => f.text);
const kinds = (found: { kind: string }[]) => found.map((f) => f.kind);

describe("scanText", () => {
  test("codenames match as whole words in any case, never inside other words", () => {
    const found = scanText("Ship FALCON today; the falconry club and blue  heron stay, Blue Heron goes, falcon_v2 too", config);
    expect(texts(found)).toEqual(["FALCON", "Blue Heron"]);
    expect(found[0]).toMatchObject({ kind: "codename", line: 1, column: 6 });
    expect(texts(scanText("fix (falcon)\nand falcon-v2", config))).toEqual(["falcon", "falcon"]);
    expect(scanText("fix (falcon)\nand falcon-v2", config)[1]).toMatchObject({ line: 2, column: 5 });
  });

  test("model ids not in hone's table are unreleased; table ids, dated ids and older releases are not", () => {
    const found = scanText("claude-opus-5 claude-neptune-1 claude-sonnet-4-7 claude-sonnet-4-5-20250929 claude-3-5-sonnet-20241022 claude-opus-4-1 anthropic.claude-3-haiku-20240307-v1:0 claude-code-2.0.1", config);
    expect(texts(found)).toEqual(["claude-opus-5", "claude-neptune-1", "claude-sonnet-4-7"]);
    expect(isUnreleasedModelId("claude-haiku-4-5@20251001")).toBe(false);
    expect(isUnreleasedModelId("claude-haiku-4-6")).toBe(true);
    expect(texts(scanText("the claude-3 family, claude-opus-4 and claude-3-7", config))).toEqual([]);
  });

  test("versions beyond the newest known one per family are unreleased", () => {
    const found = scanText("Opus 5, Sonnet 4.7 and Claude 5 vs Opus 4.6, Sonnet 4.5, Haiku 3.5, Claude 3.5 Sonnet, libopus Opus 1.3, Sonnet 18", config);
    expect(texts(found)).toEqual(["Opus 5", "Sonnet 4.7", "Claude 5"]);
    expect(kinds(found)).toEqual(["model", "model", "model"]);
  });

  test("configured model names are matched like codenames", () => {
    expect(scanText("Benchmarks for KESTREL-XL.", config).map((f) => [f.kind, f.text])).toEqual([["model", "KESTREL-XL"]]);
  });

  test("internal hosts in any URL form and configured URL prefixes are found to the end of the link", () => {
    const text = "see https://git.corp.example/team/x.git, git@git.corp.example:team/y, ci.intra.example/job/7 and https://wiki.corp.example/team/page?id=1.\nNot notgit.corp.example nor git.corp.example.org nor https://wiki.corp.example/other";
    expect(texts(scanText(text, config))).toEqual([
      "https://git.corp.example/team/x.git,",
      "git@git.corp.example:team/y,",
      "ci.intra.example/job/7",
      "https://wiki.corp.example/team/page?id=1.",
    ]);
  });

  test("AI attribution lines: co-author trailers and generated-with lines, but not ordinary co-authors", () => {
    const text = [
      "Fix the parser",
      "",
      "🤖 Generated with [Claude Code](https://claude.com/claude-code)",
      "Generated with hone",
      "Co-Authored-By: Claude <noreply@anthropic.com>",
      "co-authored-by: hone <hone@example.com>",
      "Co-authored-by: Jane Doe <jane@example.com>",
      "Generated with protoc from api.proto",
      "The parser was generated with Claude's help and reviewed by hand.",
    ].join("\n");
    const found = scanText(text, config);
    expect(found.map((f) => [f.kind, f.line])).toEqual([["attribution", 3], ["attribution", 4], ["attribution", 5], ["attribution", 6]]);
    expect(scanText(text, { ...config, allowAttribution: true })).toEqual([]);
    expect(scanText(text, config, { kinds: ["codename"] })).toEqual([]);
  });
});

describe("cleanText", () => {
  test("drops attribution lines and the blank lines they leave; the rest is untouched", () => {
    const text = "Fix the parser\n\nHandles nested quotes.\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n";
    const cleaned = cleanText(text, config);
    expect(cleaned.text).toBe("Fix the parser\n\nHandles nested quotes.\n");
    expect(cleaned.removed.map((f) => f.line)).toEqual([5, 7]);
    expect(cleaned.blocking).toEqual([]);
  });

  test("codenames and model names are reported, never rewritten", () => {
    const cleaned = cleanText("Falcon support for claude-opus-5\nCo-Authored-By: Claude <x@y>", config);
    expect(cleaned.text).toBe("Falcon support for claude-opus-5");
    expect(cleaned.blocking.map((f) => [f.kind, f.text])).toEqual([["codename", "Falcon"], ["model", "claude-opus-5"]]);
  });

  test("text with nothing to clean comes back as it was", () => {
    const cleaned = cleanText("plain message\n\n\nwith gaps  \n", config);
    expect(cleaned).toEqual({ text: "plain message\n\n\nwith gaps  \n", removed: [], blocking: [] });
  });
});

describe("configuration", () => {
  test("section absent: off; present: auto; enabled and HONE_UNDERCOVER force it", () => {
    expect(undercoverConfig(undefined, {}).mode).toBe("off");
    expect(undercoverConfig({}, {}).mode).toBe("auto");
    expect(undercoverConfig({ enabled: "auto" }, {}).mode).toBe("auto");
    expect(undercoverConfig({ enabled: false }, {}).mode).toBe("off");
    expect(undercoverConfig(undefined, { HONE_UNDERCOVER: "1" }).mode).toBe("on");
    expect(undercoverConfig({ enabled: true }, { HONE_UNDERCOVER: "0" }).mode).toBe("off");
    expect(undercoverConfig({ codenames: [" Falcon ", "", "Falcon"], internalHosts: ["GIT.Corp.Example"] }, {})).toMatchObject({ codenames: ["Falcon"], internalHosts: ["git.corp.example"], allowAttribution: false });
  });

  test("remote hosts from https, ssh://, scp-like and local forms", () => {
    expect(remoteHost("https://user:tok@GitHub.com/o/r.git")).toBe("github.com");
    expect(remoteHost("ssh://git@git.corp.example:2222/team/r.git")).toBe("git.corp.example");
    expect(remoteHost("git@git.corp.example:team/r.git")).toBe("git.corp.example");
    expect(remoteHost("git.corp.example:team/r.git")).toBe("git.corp.example");
    expect(remoteHost("git://[::1]/r")).toBe("::1");
    expect(remoteHost("/srv/git/r.git")).toBeUndefined();
    expect(remoteHost("../r.git")).toBeUndefined();
    expect(remoteHost("file:///srv/git/r.git")).toBeUndefined();
    expect(remoteHost("C:/repos/r")).toBeUndefined();
  });

  test("auto mode follows the current branch's remote, else origin", async () => {
    const auto = undercoverConfig({ internalHosts: ["git.corp.example", "*.intra.example"] }, {});
    const repo = makeRepo();
    expect(await repositoryRemote(repo)).toBeUndefined();
    expect(await undercoverActive(auto, repo)).toBe(true);
    git(repo, "remote", "add", "origin", "git@git.corp.example:team/r.git");
    expect(await undercoverActive(auto, repo)).toBe(false);
    git(repo, "remote", "add", "public", "https://github.com/someone/r.git");
    git(repo, "config", "branch.main.remote", "public");
    expect(await repositoryRemote(repo)).toBe("https://github.com/someone/r.git");
    expect(await undercoverActive(auto, repo)).toBe(true);
    git(repo, "config", "branch.main.remote", "origin");
    git(repo, "remote", "set-url", "origin", "ssh://git@build.intra.example/team/r.git");
    expect(await undercoverActive(auto, repo)).toBe(false);
    expect(await undercoverActive({ ...auto, mode: "on" }, repo)).toBe(true);
  });

  test("the prompt note names none of the configured terms", () => {
    const note = undercoverPromptNote();
    expect(note).toContain("Undercover mode");
    for (const secret of ["Falcon", "corp.example", "kestrel"]) expect(note).not.toContain(secret);
  });
});

describe("comments", () => {
  test("line and block comments by language, strings skipped", () => {
    const ts = commentStyle("a.ts");
    expect(lineComments(`const u = "http://x//y"; // see Falcon`, ts).text).toBe("see Falcon");
    expect(lineComments("let a = 1; /* open", ts)).toEqual({ text: "open", state: { closeWith: "*/" } });
    expect(lineComments("still inside */ code()", ts, { closeWith: "*/" }).text).toBe("still inside");
    expect(lineComments("echo a#b # real", commentStyle("x.sh")).text).toBe("real");
    expect(lineComments("x = 1  # note", commentStyle("x.py")).text).toBe("note");
    expect(lineComments("<p>text</p> <!-- hidden -->", commentStyle("page.html")).text).toBe("hidden");
    expect(lineComments("SELECT 1 -- why", commentStyle("q.sql")).text).toBe("why");
    expect(lineComments("# heading-like", commentStyle("notes.unknownext")).text).toBe("heading-like");
    expect(lineComments("code // not whole line", commentStyle("notes.unknownext")).text).toBe("");
    expect(commentStyle("Dockerfile")).toBe(commentStyle("Containerfile"));
  });

  test("diff findings name the file and new line number, only for added comment lines", () => {
    const diff = [
      "diff --git a/src/a.ts b/src/a.ts",
      "--- a/src/a.ts",
      "+++ b/src/a.ts",
      "@@ -10,4 +10,6 @@ function f() {",
      " const a = 1; // Falcon in context is old",
      "-// Falcon removed",
      "+const falcon = 2;",
      "+// tuned for claude-opus-5",
      " /*",
      "+ * Falcon notes",
      "+ */",
      "diff --git a/README.md b/README.md",
      "+++ b/README.md",
      "@@ -1 +1,2 @@",
      "+Falcon prose is not a comment",
      "+<!-- Falcon draft -->",
    ].join("\n");
    expect(diffCommentFindings(diff, config).map((f) => f.source)).toEqual(["a comment at src/a.ts:12", "a comment at src/a.ts:14", "a comment at README.md:2"]);
  });

  test("new files: every comment line counts", () => {
    const found = fileCommentFindings("tool.py", 'x = "# Falcon in a string"\n"""\nDocs for Falcon\n"""\n# ok\n', config);
    expect(found.map((f) => f.source)).toEqual(["a comment at tool.py:3"]);
  });
});
