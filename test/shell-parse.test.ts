import { describe, expect, test } from "bun:test";
import type { Node, Word } from "../src/shell-ast.ts";
import { parseShell } from "../src/shell-parse.ts";

/** A word as text: literals unquoted, globs kept, expansions as `$`, `~user` as written. */
function word(w: Word): string {
  return w.parts.map((p) => (p.k === "lit" ? p.text : p.k === "glob" ? `<${p.text}>` : p.k === "tilde" ? `~${p.user}` : "$")).join("");
}

/** Every simple command in source order, nested ones (substitutions, heredocs) after the command holding them. */
function commands(node: Node, out: string[] = []): string[] {
  const words = (ws: Word[]): void => {
    for (const w of ws) for (const s of w.subs) commands(s, out);
  };
  switch (node.type) {
    case "simple":
      out.push(node.words.map(word).join(" "));
      words(node.words);
      words(node.redirects.map((r) => r.target));
      break;
    case "seq":
      for (const i of node.items) commands(i.node, out);
      break;
    case "andor":
      commands(node.first, out);
      for (const r of node.rest) commands(r.node, out);
      break;
    case "pipeline":
      for (const p of node.parts) commands(p, out);
      break;
    case "subshell":
    case "group":
    case "function":
      commands(node.body, out);
      break;
    case "if":
      for (const c of node.clauses) commands(c.cond, out), commands(c.body, out);
      if (node.elseBody) commands(node.elseBody, out);
      break;
    case "loop":
      commands(node.cond, out);
      commands(node.body, out);
      break;
    case "for":
      words(node.items ?? []);
      commands(node.body, out);
      break;
    case "case":
      words([node.subject]);
      for (const a of node.arms) words(a.patterns), commands(a.body, out);
      break;
    case "cond":
      out.push(`[[ ${node.words.map(word).join(" ")} ]]`);
      words(node.words);
      break;
    case "arith":
      out.push(`(( ${word(node.expr)} ))`);
      words([node.expr]);
      break;
  }
  return out;
}

function parsed(src: string): { commands: string[]; errors: string[]; unsupported: string[] } {
  const r = parseShell(src);
  return { commands: commands(r.node), errors: r.errors, unsupported: r.unsupported };
}

describe("separators split commands", () => {
  const cases: [string, string[]][] = [
    ["a && b", ["a", "b"]],
    ["a || b", ["a", "b"]],
    ["a; b", ["a", "b"]],
    ["a | b", ["a", "b"]],
    ["a |& b", ["a", "b"]],
    ["a & b", ["a", "b"]],
    ["a\nb", ["a", "b"]],
    ["a &&\nb ||\n\nc |\nd", ["a", "b", "c", "d"]],
    ["a;b&&c||d|e&f", ["a", "b", "c", "d", "e", "f"]],
    ["! a | b", ["a", "b"]],
    ["a & ", ["a"]],
    ["a # b; c\nd", ["a", "d"]],
    ["echo a#b", ["echo a#b"]],
  ];
  test.each(cases)("%p", (src, expected) => {
    const r = parsed(src);
    expect(r.commands).toEqual(expected);
    expect(r.errors).toEqual([]);
  });
});

describe("quote removal", () => {
  const cases: [string, string][] = [
    ["r''m", "rm"],
    ['"rm"', "rm"],
    ["\\rm", "rm"],
    ["$'\\x72m'", "rm"],
    ["$'\\162\\155'", "rm"],
    ["$'\\u0072m'", "rm"],
    ["$'a\\tb\\n'", "a\tb\n"],
    ["$'it\\'s'", "it's"],
    ["$'ab\\x00cd'e", "abe"],
    ['$"rm"', "rm"],
    ["'a'\\''b'", "a'b"],
    ['"a\\"b\\$c\\d"', 'a"b$c\\d'],
    ["r\\\nm", "rm"],
    ['"$x"', "$"],
    ["a${b}c", "a$c"],
    ["~/x", "~/x"],
    ["~bob/x", "~bob/x"],
    ['"~"/x', "~/x"],
    ["a~b", "a~b"],
    ["x=~/bin", "x=~/bin"],
    ["*.ts", "<*>.ts"],
    ["'*'.ts", "*.ts"],
    ["[ab]c", "<[ab]>c"],
    ["[", "["],
    ["{a,b}.txt", "$.txt"],
    ["{1..3}", "$"],
    ["{}", "{}"],
    ["a{b}c", "a{b}c"],
  ];
  test.each(cases)("%p", (src, expected) => {
    const r = parseShell(`cmd ${src}`);
    const node = r.node.type === "seq" ? r.node.items[0]?.node : undefined;
    expect(node?.type).toBe("simple");
    if (node?.type !== "simple") return;
    expect(node.words.map(word)).toEqual(["cmd", expected]);
    expect(r.errors).toEqual([]);
  });
});

describe("nested commands are found", () => {
  const cases: [string, string[]][] = [
    ["echo $(ls)", ["echo $", "ls"]],
    ["echo $(echo $(rm x))", ["echo $", "echo $", "rm x"]],
    ['echo "a`rm x`b"', ["echo a$b", "rm x"]],
    ["echo `echo \\`rm x\\``", ["echo $", "echo $", "rm x"]],
    ["echo ${x:-$(rm x)}", ["echo $", "rm x"]],
    ['echo "${x:-"$(rm x)"}"', ["echo $", "rm x"]],
    ["echo $((1 + $(rm x)))", ["echo $", "rm x"]],
    ["echo $( (rm x) )", ["echo $", "rm x"]],
    ["diff <(ls a) >(rm b)", ["diff $ $", "ls a", "rm b"]],
    ["X=$(rm x) ls", ["X=$ ls", "rm x"]],
    ["ls > $(rm x)", ["ls", "rm x"]],
    ["a=(1 $(rm x))", ["a=$", "rm x"]],
    ["echo $(cat <<EOF\n)\nEOF\n)", ["echo $", "cat"]],
    ["cat <<EOF\n$(rm x) `rm y`\nEOF", ["cat", "rm x", "rm y"]],
    ["cat <<'EOF'\n$(rm x)\nEOF", ["cat"]],
    ['cat <<"EOF"\n$(rm x)\nEOF', ["cat"]],
    ["cat <<-EOF\n\t$(rm x)\n\tEOF\nls", ["cat", "rm x", "ls"]],
    ["cat <<A; cat <<B\na\nA\nb\nB\nls", ["cat", "cat", "ls"]],
    ["(cd x; rm y)", ["cd x", "rm y"]],
    ["{ rm x; }", ["rm x"]],
    ["if a; then b; elif c; then d; else e; fi", ["a", "b", "c", "d", "e"]],
    ["while a; do b; done; until c; do d; done", ["a", "b", "c", "d"]],
    ["for x in a $(rm y); do echo $x; done", ["rm y", "echo $"]],
    ["for ((i=0; i<3; i++)); do echo; done", ["echo"]],
    ["case $x in a|b) rm a;; *) rm b;; esac", ["rm a", "rm b"]],
    ["echo $(case x in a) rm a;; esac)", ["echo $", "rm a"]],
    ["[[ -f x && $(rm y) ]]", ["[[ -f x && $ ]]", "rm y"]],
    ["[[ $x =~ ^(a|b)$ ]] && ls", ["[[ $ =~ ^(a|b)$ ]]", "ls"]],
    ["(( i++ )); ((j=$(rm x)))", ["(( $ ))", "(( $ ))", "rm x"]],
    ["echo ${arr[$(rm x)]}", ["echo $", "rm x"]],
    ['echo "$(echo ")")" ${x:-"}"}', ["echo $ $", "echo )"]],
    ["echo '$(rm x)' \"\\$(rm z)\" \\\\$(rm y)", ["echo $(rm x) $(rm z) \\$", "rm y"]],
    ["echo $( # a comment )\nrm x)", ["echo $", "rm x"]],
    ["((ls); pwd)", ["ls", "pwd"]],
    ["time { ls; }; time -p (pwd); time ls", ["ls", "pwd", "time ls"]],
    ["cat =(rm x)", ["cat $", "rm x"]],
  ];
  test.each(cases)("%p", (src, expected) => {
    const r = parsed(src);
    expect(r.commands).toEqual(expected);
    expect(r.errors).toEqual([]);
  });
});

describe("redirections", () => {
  test("operators, fds and targets", () => {
    const r = parseShell("cmd >a 2>>b &>c &>>d >|e <f <>g 2>&1 >&- {fd}>h <<<'s' 3<&0");
    const node = r.node.type === "seq" ? r.node.items[0]?.node : undefined;
    if (node?.type !== "simple") throw new Error("not simple");
    expect(node.words.map(word)).toEqual(["cmd"]);
    expect(node.redirects.map((x) => `${x.fd ?? ""}${x.op}${word(x.target)}`)).toEqual([">a", "2>>b", "&>c", "&>>d", ">|e", "<f", "<>g", "2>&1", ">&-", "{fd}>h", "<<<s", "3<&0"]);
  });

  test("heredoc bodies are kept with their quoting", () => {
    const r = parseShell("bash <<'X'\nrm $y\nX\ncat <<Y\n$z\nY");
    const seq = r.node.type === "seq" ? r.node.items : [];
    const docs = seq.map((i) => (i.node.type === "simple" ? i.node.redirects[0]?.heredoc : undefined));
    expect(docs).toEqual([
      { body: "rm $y\n", quoted: true, dynamic: false },
      { body: "$z\n", quoted: false, dynamic: true },
    ]);
  });

  test("a word ending in digits is not a file descriptor", () => {
    const r = parseShell("echo a2>f");
    const node = r.node.type === "seq" ? r.node.items[0]?.node : undefined;
    if (node?.type !== "simple") throw new Error("not simple");
    expect(node.words.map(word)).toEqual(["echo", "a2"]);
    expect(node.redirects[0]?.fd).toBeUndefined();
  });
});

describe("errors and unsupported syntax still give a best-effort tree", () => {
  const cases: [string, string[], string][] = [
    ['rm -rf / "unterminated', ["rm -rf / unterminated"], "unterminated double quote"],
    ["echo 'abc", ["echo abc"], "unterminated single quote"],
    ["echo $(rm x", ["echo $", "rm x"], "missing )"],
    ["echo `rm x", ["echo $", "rm x"], "unterminated backquote"],
    ["if a; then rm x", ["a", "rm x"], 'expected "fi"'],
    ["ls ) rm x", ["ls", "rm x"], 'expected ";" or a newline before ")"'],
    ["cat <<EOF\nrm x", ["cat"], 'here-document not terminated (expected "EOF")'],
    ["echo ${x", ["echo $"], "unterminated ${"],
    ["echo \\$(rm x)", ["echo $", "rm x"], 'expected ";" or a newline before "("'],
    ["ls *(e:'rm x':)", ["ls <*>", "e:rm x:"], 'expected ";" or a newline before "("'],
  ];
  test.each(cases)("%p", (src, expected, error) => {
    const r = parsed(src);
    expect(r.commands).toEqual(expected);
    expect(r.errors[0]).toBe(error);
  });

  test("function definitions are parsed and flagged", () => {
    const r = parsed("f() { rm -rf /; }; function g { ls; }; f");
    expect(r.commands).toEqual(["rm -rf /", "ls", "f"]);
    expect(r.unsupported).toEqual(["function definition (f)", "function definition (g)"]);
  });

  test("select and coproc are flagged", () => {
    expect(parsed("select x in a b; do rm $x; done").unsupported).toEqual(["select"]);
    expect(parsed("coproc cat").commands).toEqual(["cat"]);
    expect(parsed("coproc cat").unsupported).toEqual(["coproc"]);
  });

  test("deep nesting stops with an error instead of overflowing", () => {
    const r = parsed(`echo ${"$(".repeat(500)}ls${")".repeat(500)}`);
    expect(r.errors).toContain("the command is nested too deeply");
  });

  test.each(["echo ${x:-", "echo $((", "a=(", "echo <(", "(", "{ ", "if "])("%p repeated 5000 times is refused quickly without overflowing", (piece) => {
    const start = performance.now();
    expect(parsed(piece.repeat(5000)).errors.length).toBeGreaterThan(0);
    expect(performance.now() - start).toBeLessThan(2000);
  });

  test("failed arithmetic is not retried exponentially", () => {
    const start = performance.now();
    const r = parsed(`echo ${"$((".repeat(60)}x${") y".repeat(60)}`);
    expect(r.commands.length).toBeGreaterThan(1);
    expect(performance.now() - start).toBeLessThan(2000);
  });

  test("arbitrary input never throws and always ends", () => {
    const alphabet = ["a", " ", "\n", ";", "&", "|", "<", ">", "(", ")", "{", "}", "[", "]", "$", "`", "'", '"', "\\", "*", "~", "=", "#", "!", "if ", "then ", "fi", "do ", "done", "for ", "in ", "case ", "esac", "((", "))", "[[ ", " ]]", "<<", "EOF", "$(", "${"];
    let seed = 7;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let i = 0; i < 3000; i++) {
      let src = "";
      for (let j = next(30) + 1; j > 0; j--) src += alphabet[next(alphabet.length)];
      expect(() => parseShell(src)).not.toThrow();
    }
  });

  test("a long command parses in linear time", () => {
    const src = `${"echo a && ".repeat(5000)}ls`;
    const start = performance.now();
    expect(parsed(src).commands).toHaveLength(5001);
    expect(performance.now() - start).toBeLessThan(1000);
  });
});
