// Parses the keys typed in vim's normal mode into a command: [count] then a motion, an operator
// (d c y) with [count] and a motion or itself doubled (dd), or a single action (x, i, p, u, r<char>...).
export type VimCommand = {
  /** Count typed before the command, multiplied by any count between operator and motion. */
  count?: number;
  operator?: "d" | "c" | "y";
  /** A motion key (w, $, gg, f...) or, for dd/cc/yy, the operator itself. */
  motion?: string;
  /** The character after f t F T r. */
  arg?: string;
  action?: string;
  /** The command's keys without its leading count, which is what `.` replays. */
  keys: string;
};

const MOTIONS = "hjklwbeWBE0^$G";
const WITH_CHAR = "ftFT";
const ACTIONS = "xXDCsSiaIAoOpPu.";

type Parsed<T> = T | "incomplete" | "invalid";

function readCount(keys: string, from: number): { count?: number; next: number } {
  let at = from;
  if (!/[1-9]/.test(keys.charAt(at))) return { next: at };
  while (/\d/.test(keys.charAt(at))) at += 1;
  return { count: Number(keys.slice(from, at)), next: at };
}

function parseMotion(keys: string): Parsed<{ motion: string; arg?: string }> {
  const first = keys.charAt(0);
  if (first === "") return "incomplete";
  if (first === "g") {
    if (keys.length === 1) return "incomplete";
    return keys === "gg" ? { motion: "gg" } : "invalid";
  }
  if (WITH_CHAR.includes(first)) {
    const arg = [...keys.slice(1)];
    if (arg.length === 0) return "incomplete";
    return arg.length === 1 ? { motion: first, arg: arg[0] } : "invalid";
  }
  return keys.length === 1 && MOTIONS.includes(first) ? { motion: first } : "invalid";
}

function multiply(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined && b === undefined ? undefined : (a ?? 1) * (b ?? 1);
}

export function parseVimCommand(keys: string): Parsed<VimCommand> {
  const { count, next } = readCount(keys, 0);
  const rest = keys.slice(next);
  const first = rest.charAt(0);
  if (first === "") return "incomplete";
  if (first === "d" || first === "c" || first === "y") {
    const inner = readCount(rest, 1);
    const motionKeys = rest.slice(inner.next);
    const total = multiply(count, inner.count);
    if (motionKeys === first) return { count: total, operator: first, motion: first, keys: rest };
    const motion = parseMotion(motionKeys);
    if (typeof motion === "string") return motion;
    return { count: total, operator: first, ...motion, keys: rest };
  }
  if (first === "r") {
    const arg = [...rest.slice(1)];
    if (arg.length === 0) return "incomplete";
    return arg.length === 1 ? { count, action: "r", arg: arg[0], keys: rest } : "invalid";
  }
  if (rest.length === 1 && ACTIONS.includes(first)) return { count, action: first, keys: rest };
  const motion = parseMotion(rest);
  if (typeof motion === "string") return motion;
  return { count, ...motion, keys: rest };
}
