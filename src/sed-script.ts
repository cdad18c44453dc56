// Whether a sed script only edits text: GNU sed can also run commands (`e`, `s///e`) and read or write
// arbitrary files (`r`, `R`, `w`, `W`, `s///w`), which acceptEdits must not wave through. The checker
// walks the script's grammar and refuses anything it does not fully understand.

const SIMPLE = new Set(["=", "d", "D", "g", "G", "h", "H", "n", "N", "p", "P", "x", "z", "F"]);

export function sedScriptIsSafe(script: string): boolean {
  const s = script;
  let i = 0;
  const skip = (chars: string): void => {
    while (i < s.length && chars.includes(s[i] as string)) i++;
  };
  /** A delimited section (`/re/`, `s` parts); false when unterminated. */
  const delimited = (delim: string): boolean => {
    while (i < s.length) {
      const c = s[i] as string;
      if (c === "\\") i += 2;
      else if (c === delim) {
        i++;
        return true;
      } else i++;
    }
    return false;
  };
  const address = (): boolean => {
    const c = s[i];
    if (c === undefined) return true;
    if (/\d/.test(c)) {
      while (/[\d~]/.test(s[i] ?? "")) i++;
      return true;
    }
    if (c === "$") {
      i++;
      return true;
    }
    if (c === "/" || c === "\\") {
      if (c === "\\") i++;
      const delim = s[i];
      if (delim === undefined || delim === "\n" || delim === "\\") return false;
      i++;
      if (!delimited(delim)) return false;
      skip("IM");
    }
    return true;
  };
  const endOfCommand = (): boolean => {
    skip(" \t");
    const c = s[i];
    return c === undefined || c === ";" || c === "\n" || c === "}" || c === "#";
  };
  const toLineEnd = (): void => {
    while (i < s.length && s[i] !== "\n") i += s[i] === "\\" ? 2 : 1;
  };
  while (i < s.length) {
    skip(" \t\n;");
    if (i >= s.length) break;
    const c0 = s[i] as string;
    if (c0 === "#") {
      toLineEnd();
      continue;
    }
    if (c0 === "}") {
      i++;
      continue;
    }
    if (!address()) return false;
    skip(" \t");
    if (s[i] === ",") {
      i++;
      skip(" \t");
      if (s[i] === "+" || s[i] === "~") i++;
      if (!address()) return false;
    }
    skip(" \t!");
    const cmd = s[i];
    i++;
    if (cmd === undefined) return false;
    if (cmd === "{") continue;
    if (SIMPLE.has(cmd)) {
      if (!endOfCommand()) return false;
    } else if (cmd === "q" || cmd === "Q" || cmd === "l" || cmd === "L") {
      skip(" \t0123456789");
      if (!endOfCommand()) return false;
    } else if (cmd === "a" || cmd === "i" || cmd === "c") {
      toLineEnd();
    } else if (cmd === ":" || cmd === "b" || cmd === "t" || cmd === "T" || cmd === "v") {
      while (i < s.length && s[i] !== "\n" && s[i] !== ";") i++;
    } else if (cmd === "s" || cmd === "y") {
      const delim = s[i];
      if (delim === undefined || delim === "\n" || delim === "\\") return false;
      i++;
      if (!delimited(delim) || !delimited(delim)) return false;
      // Flags: e runs the pattern space as a command, w writes a file.
      if (cmd === "s") skip("gpiImM0123456789");
      if (!endOfCommand()) return false;
    } else return false;
  }
  return true;
}
