import { describe, expect, test } from "bun:test";
import { uses } from "./support/bash-render.ts";

describe("redirections", () => {
  const cases: [string, string[], string[]][] = [
    ["echo hi > out.txt", [], [">/p/w/out.txt"]],
    ["echo hi >> /tmp/log 2> err", [], [">/tmp/log", ">/p/w/err"]],
    ["echo hi &> all >| clobber &>> app", [], [">/p/w/all", ">/p/w/clobber", ">/p/w/app"]],
    ["cat < in.txt", ["</p/w/in.txt"], []],
    ["cat 3<> rw", ["</p/w/rw"], [">/p/w/rw"]],
    ["echo hi > /dev/null 2>&1 >&2 1>&- 2> /dev/stderr > /dev/stdout > /dev/fd/3 < /dev/null", [], []],
    ["echo hi >& file", [], [">/p/w/file"]],
    ["echo hi > \"$OUT\"", [], [">*"]],
    ["echo hi > ./a/../../b", [], [">/p/b"]],
    ["echo hi > >(tee x)", [], []],
    ["> empty", [], [">/p/w/empty"]],
  ];
  test.each(cases)("%p", (command, reads, writes) => {
    const all = uses(command);
    const main = all.find((u) => u.allow !== "tee x") ?? all[0];
    expect(main?.reads.filter((r) => r.startsWith("<"))).toEqual(reads);
    expect(main?.writes).toEqual(writes);
  });

  test("a redirection on a compound command applies to every command inside", () => {
    expect(uses("{ ls; pwd; } > out; while read l; do echo $l; done < list")).toMatchObject([
      { allow: "ls", writes: [">/p/w/out"] },
      { allow: "pwd", writes: [">/p/w/out"] },
      { allow: "read l", reads: ["</p/w/list"] },
      { allow: "echo *", reads: ["</p/w/list"] },
    ]);
  });

  test("a redirection write does not make a read-only command writable", () => {
    expect(uses("ls > files.txt")[0]).toMatchObject({ ro: true, writes: [">/p/w/files.txt"] });
  });
});

describe("paths", () => {
  const cases: [string, string[], string[]][] = [
    ["cat a ../b ./c/./d /e/../f", ["/p/w/a", "/p/b", "/p/w/c/d", "/f"], []],
    ["cat ../../../../x", ["/x"], []],
    ["cp a b dst/", ["/p/w/a", "/p/w/b"], ["/p/w/dst"]],
    ["cp -t dst a b", ["/p/w/a", "/p/w/b"], ["/p/w/dst"]],
    ["mv a b", ["/p/w/a"], ["/p/w/b", "/p/w/a"]],
    ["rm -rf -- -x y", [], ["/p/w/-x", "/p/w/y"]],
    ["touch -r ref new", ["/p/w/ref"], ["/p/w/new"]],
    ["mkdir -p -m 755 a/b", [], ["/p/w/a/b"]],
    ["chmod -R u+x bin; chmod -w f", [], ["/p/w/bin", "/p/w/f"]],
    ["ln -s /etc/passwd", [], ["/p/w/passwd"]],
    ["tee -a log1 log2", [], ["/p/w/log1", "/p/w/log2"]],
    ["sed -i.bak 's/a/b/' f1 f2", ["/p/w/f1", "/p/w/f2"], ["/p/w/f1", "/p/w/f2"]],
    ["sed -n -e p -e '$=' f", ["/p/w/f"], []],
    ["grep -rn pattern src lib", ["/p/w/src", "/p/w/lib"], []],
    ["grep -e a -e b f", ["/p/w/f"], []],
    ["grep -f pats.txt f", ["/p/w/pats.txt", "/p/w/f"], []],
    ["rg foo", ["/p/w"], []],
    ["head -n 5 a; tail -f b", ["/p/w/a", "/p/w/b"], []],
    ["sort -o out -k 2 in", ["/p/w/in"], ["/p/w/out"]],
    ["find /etc -name x -delete", ["/etc"], ["/etc"]],
    ["dd if=/dev/sda of=disk.img", ["/dev/sda"], ["/p/w/disk.img"]],
    ["curl -o page.html http://x; wget -O - http://y", [], ["/p/w/page.html"]],
    ["jq --arg k v '.x' data.json", ["/p/w/data.json"], []],
    ["curl -O http://x; wget -P dl http://y", [], ["/p/w/*", "/p/w/dl/*"]],
    ["tar xzf a.tgz -C out; tar -xPf b.tar", ["/p/w/a.tgz", "/p/w/b.tar"], ["/p/w/out/*", "*"]],
    ["tar -czf out.tgz src", ["/p/w/src"], ["/p/w/out.tgz"]],
    ["wc --files0-from=list", ["*"], []],
    ["cat \"$DIR\"/../secret", ["*/secret"], []],
    // A variable can hold "../..": the path could be anywhere.
    ["cat ./$f", ["*"], []],
    ["cat .*/x", ["*/x"], []],
    ["cat src/*.ts", ["/p/w/src/*.ts"], []],
    ["cat ~/notes ~", ["/h/notes", "/h"], []],
  ];
  test.each(cases)("%p", (command, reads, writes) => {
    const all = uses(command);
    expect(all.flatMap((u) => u.reads)).toEqual(reads);
    expect(all.flatMap((u) => u.writes)).toEqual(writes);
  });
});

describe("cd moves later relative paths", () => {
  const cases: [string, string[]][] = [
    ["cd sub && cat x", ["/p/w/sub", "/p/w/sub/x"]],
    ["cd /tmp && cat ../etc/hosts", ["/tmp", "/etc/hosts"]],
    ["cd && cat x", ["/h", "/h/x"]],
    ["cd ~/d && cat x", ["/h/d", "/h/d/x"]],
    ["pushd sub && cat x", ["/p/w/sub", "/p/w/sub/x"]],
    // cd may fail: after `;` the command can run in either directory.
    ["cd sub; cat x", ["/p/w/sub", "/p/w/sub/x", "/p/w/x"]],
    ["cd a || cd b; cat x", ["/p/w/a", "/p/w/b", "/p/w/a/x", "/p/w/b/x", "/p/w/x"]],
    ["cd \"$D\" && cat x", ["*", "*/x"]],
    ["cd - && cat x", ["*/x"]],
    ["popd && cat x", ["*/x"]],
    ["(cd sub && cat x) && cat y", ["/p/w/sub", "/p/w/sub/x", "/p/w/y"]],
    ["cd sub | cat x", ["/p/w/sub", "/p/w/x"]],
    ["cd sub & cat x", ["/p/w/sub", "/p/w/x"]],
    ["{ cd sub; } && cat x", ["/p/w/sub", "/p/w/sub/x"]],
    ["{ cd sub; }; cat x", ["/p/w/sub", "/p/w/sub/x", "/p/w/x"]],
    ["if cd sub; then cat x; fi", ["/p/w/sub", "/p/w/sub/x"]],
    ["for d in a b; do cd $d; cat x; done", ["*", "*/x"]],
    ["cd sub && bash -c 'cat x'", ["/p/w/sub", "/p/w/sub/x"]],
    ["env -C /srv cat x", ["/srv/x"]],
    ["cd sub && $(cd /tmp) && cat x", ["/p/w/sub", "/tmp", "/p/w/sub/x"]],
  ];
  test.each(cases)("%p", (command, reads) => {
    expect(uses(command).flatMap((u) => u.reads)).toEqual(reads);
  });
});
