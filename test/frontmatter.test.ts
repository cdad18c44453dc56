import { describe, expect, test } from "bun:test";
import { boolField, listField, markdownBody, parseMarkdown, textField } from "../src/frontmatter.ts";

function ok(text: string) {
  const r = parseMarkdown(text);
  if (!r.ok) throw new Error(`expected ok, got line ${r.line}: ${r.message}`);
  return r.value;
}

function bad(text: string) {
  const r = parseMarkdown(text);
  if (r.ok) throw new Error(`expected an error, got ${JSON.stringify(r.value.data)}`);
  return r;
}

describe("parseMarkdown", () => {
  test("strict YAML frontmatter, body and the line the body starts on", () => {
    const v = ok("---\nname: pdf\ndescription: Extract text\ntags: [a, b]\ncustom-key: 3\n---\n# Title\nbody\n");
    expect(v.data).toEqual({ name: "pdf", description: "Extract text", tags: ["a", "b"], "custom-key": 3 });
    expect(v.body).toBe("# Title\nbody\n");
    expect(v.bodyLine).toBe(7);
    expect(v.hasFrontmatter).toBe(true);
    expect(v.lenient).toBe(false);
    expect(v.keyLines).toEqual({ name: 2, description: 3, tags: 4, "custom-key": 5 });
  });

  test("no frontmatter: the whole text is the body", () => {
    const v = ok("# Just a heading\n\ntext");
    expect(v).toMatchObject({ data: {}, body: "# Just a heading\n\ntext", bodyLine: 1, hasFrontmatter: false });
    // A --- that is not on the first line is a markdown rule, not frontmatter.
    expect(ok("\n---\na: 1\n---\n").hasFrontmatter).toBe(false);
  });

  test("CRLF line endings and a BOM", () => {
    const v = ok("\uFEFF---\r\nname: x\r\ndescription: y\r\n---\r\nline 1\r\nline 2\r\n");
    expect(v.data).toEqual({ name: "x", description: "y" });
    expect(v.body).toBe("line 1\nline 2\n");
  });

  test("empty frontmatter and fences with trailing spaces", () => {
    expect(ok("---\n---\nbody").data).toEqual({});
    expect(ok("---\n---\nbody").bodyLine).toBe(3);
    expect(ok("---   \nname: a\n---  \nbody").data).toEqual({ name: "a" });
    expect(ok("---\n\n---\nbody").bodyLine).toBe(4);
  });

  test("values strict YAML rejects load through the lenient reading, valid siblings keep their types", () => {
    const text = [
      "---",
      "name: helper",
      "description: Use when: the user asks for help",
      "argument-hint: [pr-number] [priority]",
      "when_to_use: *always* when reviewing",
      "model: {fast} mode",
      "hint2: @mention me",
      "tools: [Read, Grep]",
      "enabled: true",
      "count: 3",
      "quoted: 'single'",
      "---",
      "body",
    ].join("\n");
    const v = ok(text);
    expect(v.lenient).toBe(true);
    expect(v.data).toEqual({
      name: "helper",
      description: "Use when: the user asks for help",
      "argument-hint": "[pr-number] [priority]",
      when_to_use: "*always* when reviewing",
      model: "{fast} mode",
      hint2: "@mention me",
      tools: ["Read", "Grep"],
      enabled: true,
      count: 3,
      quoted: "single",
    });
    expect(v.keyLines.description).toBe(3);
  });

  test("lenient reading folds continuation lines of a broken value and keeps block scalars", () => {
    const v = ok("---\ndescription: Deploys: to prod\n  and staging\nnotes: |\n  line a\n  line b\nlist:\n- a\n- b\n---\n");
    expect(v.lenient).toBe(true);
    expect(v.data).toEqual({ description: "Deploys: to prod and staging", notes: "line a\nline b\n", list: ["a", "b"] });
  });

  test("a '#' inside a value: comments follow YAML when it parses, text is kept when it does not", () => {
    expect(ok("---\ndescription: Use for C# and F#\n---\n").data.description).toBe("Use for C# and F#");
    expect(ok("---\ndescription: a: b #tag\n---\n").data.description).toBe("a: b #tag");
  });

  test("genuinely broken frontmatter reports the file line", () => {
    const stray = bad("---\nname: x\nthis line is not a field\ndescription: y\n---\nbody");
    expect(stray.line).toBe(3);
    expect(stray.message).toContain('expected "key: value"');

    const dup = bad("---\nname: a\ndescription: b\nname: c\n---\n");
    expect(dup.line).toBe(4);
    expect(dup.message).toContain('duplicate key "name" (first on line 2)');

    const list = bad("---\n- a\n- b\n---\n");
    expect(list.line).toBe(2);
    expect(list.message).toContain("key: value");

    const unclosed = bad("---\nname: a\ndescription: b\n\nbody without a closing fence\n");
    expect(unclosed.line).toBe(1);
    expect(unclosed.message).toContain("never closed");
  });

  test("a scalar frontmatter (not a mapping) is an error", () => {
    const r = bad("---\njust words\n---\n");
    expect(r.line).toBe(2);
  });

  test("hostile input: __proto__ keys stay plain data, long lines and alias bombs stay cheap", () => {
    const proto = ok("---\n__proto__: {polluted: 1}\ndescription: a: b\n---\n");
    expect(Object.getPrototypeOf(proto.data)).toBe(Object.prototype);
    expect(Object.hasOwn(proto.data, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    const started = performance.now();
    const spaces = ok(`---\na: x${" ".repeat(60_000)}y: z\n---\n`);
    expect(String(spaces.data.a).endsWith("y: z")).toBe(true);
    expect(bad(`---\na${" ".repeat(60_000)}b\n---\n`).line).toBe(2);
    const bomb = ["a: &a [x,x,x,x,x,x,x,x,x]", ..."bcdef".split("").map((k, i) => `${k}: &${k} [${Array(9).fill(`*${"abcde"[i]}`).join(",")}]`)];
    const exploded = ok(`---\n${bomb.join("\n")}\n---\n`);
    expect(exploded.data.a).toEqual(["x", "x", "x", "x", "x", "x", "x", "x", "x"]);
    expect(typeof exploded.data.f).toBe("string");
    expect(bad(`---\n${Array.from({ length: 600 }, (_, i) => `k${i}: v: ${i}`).join("\n")}\n---\n`).message).toContain("600 fields is more than the 500");
    expect(performance.now() - started).toBeLessThan(3000);
  });

  test("markdownBody strips the fence textually, even when the YAML is broken", () => {
    expect(markdownBody("---\na: [\n---\nthe body")).toBe("the body");
    expect(markdownBody("no fence\r\nhere")).toBe("no fence\nhere");
  });
});

describe("field readers", () => {
  const collect = () => {
    const warnings: string[] = [];
    return { warnings, warn: (key: string, message: string) => warnings.push(`${key}: ${message}`) };
  };

  test("booleans accept yes/no/on/off/1/0/true/false as values or strings", () => {
    const { warn, warnings } = collect();
    const data: Record<string, unknown> = { a: "yes", b: "No", c: "on", d: "OFF", e: 1, f: 0, g: true, h: "false", i: "maybe" };
    expect(["a", "b", "c", "d", "e", "f", "g", "h"].map((k) => boolField(data, k, warn))).toEqual([true, false, true, false, true, false, true, false]);
    expect(boolField(data, "i", warn)).toBeUndefined();
    expect(boolField(data, "missing", warn)).toBeUndefined();
    expect(warnings).toEqual(['i: "i" must be true or false, not string "maybe"; ignored']);
  });

  test("tool lists: comma or space strings and YAML lists, parentheses kept whole", () => {
    const { warn, warnings } = collect();
    expect(listField({ t: "Bash(git add:*), Bash(git status:*) Read" }, "t", warn)).toEqual(["Bash(git add:*)", "Bash(git status:*)", "Read"]);
    expect(listField({ t: ["Read", "Bash(npm run test:*)"] }, "t", warn)).toEqual(["Read", "Bash(npm run test:*)"]);
    expect(listField({ t: [] }, "t", warn)).toEqual([]);
    expect(listField({ t: [1, 2] }, "t", warn)).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("must be a comma-separated string or a list of names, not a list");
  });

  test("text fields take numbers and booleans as written and refuse lists", () => {
    const { warn, warnings } = collect();
    expect(textField({ v: 1.5 }, "v", warn)).toBe("1.5");
    expect(textField({ v: "  padded  " }, "v", warn)).toBe("padded");
    expect(textField({ v: [1, 2] }, "v", warn)).toBeUndefined();
    expect(textField({ v: { a: 1 } }, "v", warn)).toBeUndefined();
    expect(warnings).toEqual(['v: "v" must be text, not a list; ignored', 'v: "v" must be text, not a mapping; ignored']);
  });
});

test("the fast path for simple frontmatter reads every corpus file exactly as the YAML library does", async () => {
  const { parse } = await import("yaml");
  const { simpleYaml, splitFrontmatter } = await import("../src/frontmatter.ts");
  const { Glob } = await import("bun");
  let compared = 0;
  for await (const rel of new Glob("**/*.md").scan({ cwd: "/work/shared/corpus" })) {
    const split = splitFrontmatter(await Bun.file(`/work/shared/corpus/${rel}`).text());
    if (!split || !("yaml" in split)) continue;
    const fast = simpleYaml(split.yaml);
    if (!fast) continue;
    expect({ rel, value: fast.value }).toEqual({ rel, value: parse(split.yaml) });
    compared++;
  }
  expect(compared).toBeGreaterThan(300);
  for (const text of ["a: yes", "a: 'it''s'", 'a: "x\\ty"', "a: 1.5", "a: 0x1F", "a: .inf", "a: ~", "a: TRUE", "a: x #c", "a: b: c", "a: - x", "a: x\n  y"]) {
    const fast = simpleYaml(text);
    if (fast) expect(fast.value).toEqual(parse(text));
  }
});
