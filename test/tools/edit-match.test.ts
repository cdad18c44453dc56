import { describe, expect, test } from "bun:test";
import { findMatches, foldUnicode, spanTooLong } from "../../src/edit-match.ts";
import { closestRegion } from "../../src/tools/edit.ts";

const slice = (text: string, span: { start: number; end: number } | undefined) =>
  span ? text.slice(span.start, span.end) : undefined;

describe("findMatches", () => {
  test("exact matches are counted without overlap", () => {
    const m = findMatches("aaaa x aa", "aa");
    expect(m?.level).toBe("exact");
    expect(m?.spans.map((s) => s.start)).toEqual([0, 2, 7]);
  });

  test("nothing found returns undefined", () => {
    expect(findMatches("hello\nworld\n", "goodbye")).toBeUndefined();
    expect(findMatches("hello", "")).toBeUndefined();
  });

  test("level 1: trailing whitespace per line is ignored, span covers the original lines", () => {
    const hay = "start\nalpha  \nbeta\t\nend";
    const m = findMatches(hay, "alpha\nbeta");
    expect(m?.level).toBe("trailing-whitespace");
    expect(m?.spans).toHaveLength(1);
    expect(slice(hay, m?.spans[0])).toBe("alpha  \nbeta\t");
  });

  test("level 1: a needle ending in a newline only matches lines followed by one", () => {
    const hay = "x  \ny";
    expect(findMatches(hay, "x\n")?.spans.map((s) => slice(hay, s))).toEqual(["x  \n"]);
    expect(findMatches("q\ny  ", "y\n")).toBeUndefined();
  });

  test("level 2: smart quotes, dashes and special spaces fold to ASCII", () => {
    const hay = "msg = \u201chello\u201d \u2014 it\u2019s\u00a0fine;\nnext";
    const m = findMatches(hay, '"hello" - it\'s fine');
    expect(m?.level).toBe("unicode");
    expect(slice(hay, m?.spans[0])).toBe("\u201chello\u201d \u2014 it\u2019s\u00a0fine");
  });

  test("level 2: composed and decomposed accents are the same text", () => {
    const hay = "caf\u0065\u0301 au lait";
    const m = findMatches(hay, "caf\u00e9 au");
    expect(m?.level).toBe("unicode");
    expect(slice(hay, m?.spans[0])).toBe("caf\u0065\u0301 au");
  });

  test("foldUnicode applies NFKC-style compatibility folding", () => {
    expect(foldUnicode("\ufb01le \u2018x\u2019 \u201cy\u201d a\u2013b\u3000c")).toBe("file 'x' \"y\" a-b c");
  });

  test("level 4: a consistently shifted block matches and new_string is re-indented", () => {
    const hay = "class A {\n    run() {\n        go();\n    }\n}";
    const m = findMatches(hay, "  run() {\n      go();\n  }");
    expect(m?.level).toBe("indentation");
    expect(slice(hay, m?.spans[0])).toBe("    run() {\n        go();\n    }");
    expect(m?.spans[0]?.adapt?.("  run() {\n      stop();\n  }")).toBe("    run() {\n        stop();\n    }");
  });

  test("level 4: extra indentation in old_string is removed from new_string", () => {
    const hay = "def f():\n  return 1\n";
    const m = findMatches(hay, "    def f():\n      return 1");
    expect(m?.level).toBe("indentation");
    expect(m?.spans[0]?.adapt?.("    def f():\n      return 2")).toBe("def f():\n  return 2");
  });

  test("level 1: a first line copied without its indentation matches after it", () => {
    const hay = "  if (a) {\n    b();  \n  }";
    const m = findMatches(hay, "if (a) {\n    b();\n  }");
    expect(m?.level).toBe("trailing-whitespace");
    expect(slice(hay, m?.spans[0])).toBe("if (a) {\n    b();  \n  }");
  });

  test("level 4: a first line without indentation keeps the file's; later lines are shifted", () => {
    const hay = "  if (a) {\n    b();\n  }";
    const m = findMatches(hay, "if (a) {\n  b();\n}");
    expect(m?.level).toBe("indentation");
    expect(slice(hay, m?.spans[0])).toBe("if (a) {\n    b();\n  }");
    expect(m?.spans[0]?.adapt?.("if (a) {\n  c();\n}")).toBe("if (a) {\n    c();\n  }");
  });

  test("level 3: inconsistent indentation matches with every line trimmed", () => {
    const hay = "a\n    b\nc";
    const m = findMatches(hay, "  a\n b");
    expect(m?.level).toBe("trimmed");
    expect(slice(hay, m?.spans[0])).toBe("a\n    b");
  });

  test("level 5: runs of spaces and tabs inside a line collapse", () => {
    const hay = "let  x =\t\t1;\nlet y = 2;";
    const m = findMatches(hay, "let x = 1;");
    expect(m?.level).toBe("inner-whitespace");
    expect(slice(hay, m?.spans[0])).toBe("let  x =\t\t1;");
  });

  test("uniqueness is counted at the level that matched", () => {
    const m = findMatches("a  \nb\nz\na \nb", "a\nb");
    expect(m?.level).toBe("trailing-whitespace");
    expect(m?.spans).toHaveLength(2);
  });

  test("fuzzy levels need the same number of lines and never match blank needles", () => {
    expect(findMatches("a\n\nb", "a\nb")).toBeUndefined();
    expect(findMatches("x\n   \ny", "\t\n")).toBeUndefined();
  });
});

describe("spanTooLong", () => {
  test("refuses spans over twice the needle plus 64", () => {
    expect(spanTooLong({ start: 0, end: 70 }, "abc")).toBe(false);
    expect(spanTooLong({ start: 0, end: 71 }, "abc")).toBe(true);
  });
});

describe("closestRegion", () => {
  test("finds the most similar lines", () => {
    const hay = ["import x", "function alpha(a, b) {", "  return a + b;", "}", "const z = 3;"].join("\n");
    const region = closestRegion(hay, "function alpha(a, c) {\n  return a + c;\n}");
    expect(region?.startLine).toBe(2);
    expect(region?.lines).toEqual(["function alpha(a, b) {", "  return a + b;", "}"]);
  });

  test("returns nothing when no region is similar", () => {
    expect(closestRegion("aaaa\nbbbb\ncccc", "zyxwvut qrs")).toBeUndefined();
  });
});
