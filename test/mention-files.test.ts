import { expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mentionAttachments, mentionedPaths } from "../src/mention-files.ts";

test("@paths are found (quoted too), resolved once each; emails and URLs are not mentions", () => {
  expect(mentionedPaths('look at @src/a.ts and @"my dir/b.md", then @src/a.ts.', "/p")).toEqual(["/p/src/a.ts", "/p/my dir/b.md"]);
  expect(mentionedPaths("mail me@example.com or see @server:res://x", "/p")).toEqual([]);
});

test("mentioned files and folders travel with the prompt; denied, binary and missing ones do not", () => {
  const dir = mkdtempSync(join(tmpdir(), "hone-mention-"));
  mkdirSync(join(dir, "src"));
  writeFileSync(join(dir, "src", "a.ts"), "export const a = 1;\n");
  writeFileSync(join(dir, "secret.env"), "KEY=1\n");
  writeFileSync(join(dir, "blob.bin"), Buffer.from([1, 0, 2]));
  const blocks = mentionAttachments("fix @src/a.ts, see @src and @secret.env @blob.bin @missing.txt", dir, (p) => !p.endsWith(".env"));
  expect(blocks).toHaveLength(2);
  expect(blocks[0]).toBe("Contents of @src/a.ts (mentioned by the user):\n```\nexport const a = 1;\n```");
  expect(blocks[1]).toContain("Directory @src (mentioned by the user):\na.ts");
});
