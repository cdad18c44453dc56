import { describe, expect, test } from "bun:test";
import { applyCompletion, completeSlash, mentionText, mentionToken, shortName, slashToken, type CommandInfo } from "../src/completion.ts";

const cmd = (name: string, source = "built-in"): CommandInfo => ({ name, description: `${name} description`, source });
const COMMANDS = [
  cmd("compact"),
  cmd("config"),
  cmd("context"),
  cmd("cost"),
  cmd("clear"),
  cmd("help"),
  cmd("commit"),
  cmd("review"),
  cmd("my-plugin:deploy", "plugin"),
  cmd("mcp__github__create_pr", "mcp"),
  cmd("frontend:review-ui", "project"),
];
const names = (list: CommandInfo[]) => list.map((c) => c.name);

describe("slashToken", () => {
  test("the command name under the cursor", () => {
    expect(slashToken("/comp", 5)).toEqual({ start: 0, end: 5, partial: "comp" });
    expect(slashToken("/", 1)).toEqual({ start: 0, end: 1, partial: "" });
    // Cursor mid-name: the partial is what lies before it, the range the whole name.
    expect(slashToken("/compact now", 3)).toEqual({ start: 0, end: 8, partial: "co" });
  });
  test("nothing once the cursor is in the arguments, or without a leading slash", () => {
    expect(slashToken("/compact now", 10)).toBeUndefined();
    expect(slashToken("/compact ", 9)).toBeUndefined();
    expect(slashToken("see /comp", 9)).toBeUndefined();
    expect(slashToken("/x", 0)).toBeUndefined();
  });
});

describe("completeSlash", () => {
  test("prefix matches first, then substring matches, alphabetical within each", () => {
    expect(names(completeSlash("co", COMMANDS))).toEqual(["commit", "compact", "config", "context", "cost"]);
    expect(names(completeSlash("view", COMMANDS))).toEqual(["frontend:review-ui", "review"]);
    expect(names(completeSlash("ntex", COMMANDS))).toEqual(["context"]);
  });
  test("an exact name comes first even when other names share the prefix", () => {
    expect(names(completeSlash("review", COMMANDS))).toEqual(["review", "frontend:review-ui"]);
  });
  test("plugin and MCP names match on their last part", () => {
    expect(shortName("my-plugin:deploy")).toBe("deploy");
    expect(shortName("mcp__github__create_pr")).toBe("create_pr");
    expect(names(completeSlash("dep", COMMANDS))).toEqual(["my-plugin:deploy"]);
    expect(names(completeSlash("create", COMMANDS))).toEqual(["mcp__github__create_pr"]);
    expect(names(completeSlash("mcp__git", COMMANDS))).toEqual(["mcp__github__create_pr"]);
    expect(names(completeSlash("DEPLOY", COMMANDS))).toEqual(["my-plugin:deploy"]);
  });
  test("limit, empty query, no match and duplicate names", () => {
    expect(completeSlash("", COMMANDS)).toHaveLength(8);
    expect(names(completeSlash("c", COMMANDS, 2))).toEqual(["clear", "commit"]);
    expect(completeSlash("zzz", COMMANDS)).toEqual([]);
    const shadowed = completeSlash("help", [{ name: "help", description: "first" }, { name: "help", description: "second" }]);
    expect(shadowed).toEqual([{ name: "help", description: "first" }]);
  });
});

describe("mentionToken", () => {
  test("an @path at the start or after whitespace", () => {
    expect(mentionToken("@src/ma", 7)).toEqual({ start: 0, end: 7, query: "src/ma", quoted: false });
    expect(mentionToken("look at @src/main.ts now", 15)).toEqual({ start: 8, end: 20, query: "src/ma", quoted: false });
    expect(mentionToken("x\n@a", 4)).toEqual({ start: 2, end: 4, query: "a", quoted: false });
    expect(mentionToken("@", 1)).toEqual({ start: 0, end: 1, query: "", quoted: false });
  });
  test("not an email address, not with the cursor elsewhere", () => {
    expect(mentionToken("me@example.com", 14)).toBeUndefined();
    expect(mentionToken("@src now", 8)).toBeUndefined();
    expect(mentionToken("@src", 0)).toBeUndefined();
  });
  test("quoted mentions may hold spaces", () => {
    expect(mentionToken('see @"my dir/fi', 15)).toEqual({ start: 4, end: 15, query: "my dir/fi", quoted: true });
    expect(mentionToken('@"my dir/file.ts" rest', 9)).toEqual({ start: 0, end: 17, query: "my dir/", quoted: true });
    // After the closing quote the token is finished.
    expect(mentionToken('@"my dir/file.ts" rest', 17)).toBeUndefined();
    expect(mentionToken('@"my dir/file.ts" rest', 22)).toBeUndefined();
    expect(mentionToken('@"a"', 4)).toBeUndefined();
  });
});

describe("applyCompletion", () => {
  test("a directory keeps completing: the cursor stays after the slash, no space", () => {
    const state = { text: "read @sr please", cursor: 8 };
    const token = mentionToken(state.text, state.cursor);
    expect(token).toBeDefined();
    const next = applyCompletion(state, token as { start: number; end: number }, mentionText("src/"));
    expect(next).toEqual({ text: "read @src/ please", cursor: 10 });
    expect(mentionToken(next.text, next.cursor)?.query).toBe("src/");
  });
  test("a file is followed by one space", () => {
    expect(applyCompletion({ text: "@src/ma", cursor: 7 }, { start: 0, end: 7 }, "@src/main.ts")).toEqual({ text: "@src/main.ts ", cursor: 13 });
    expect(applyCompletion({ text: "@ma more", cursor: 3 }, { start: 0, end: 3 }, "@main.ts")).toEqual({ text: "@main.ts more", cursor: 9 });
    expect(applyCompletion({ text: "/comp", cursor: 5 }, { start: 0, end: 5 }, "/compact")).toEqual({ text: "/compact ", cursor: 9 });
  });
  test("paths with spaces are quoted; a quoted directory leaves the cursor inside the quotes", () => {
    expect(mentionText("my dir/")).toBe('@"my dir/"');
    const next = applyCompletion({ text: '@"my', cursor: 4 }, { start: 0, end: 4 }, mentionText("my dir/"));
    expect(next).toEqual({ text: '@"my dir/"', cursor: 9 });
    expect(mentionToken(next.text, next.cursor)).toEqual({ start: 0, end: 10, query: "my dir/", quoted: true });
    const file = applyCompletion(next, { start: 0, end: 10 }, mentionText("my dir/a b.ts"));
    expect(file).toEqual({ text: '@"my dir/a b.ts" ', cursor: 17 });
  });
});
