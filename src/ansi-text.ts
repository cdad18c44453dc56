// Measuring and fitting terminal text that carries ANSI colour codes: display width (wide characters
// count two, escapes nothing), wrapping to the terminal's width, and cutting to a width.
import stringWidth from "fast-string-width";
import { wrapAnsi } from "fast-wrap-ansi";

// CSI sequences (colours, cursor moves) and OSC sequences (hyperlinks, titles).
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

/** Columns the text takes on screen. */
export function visibleWidth(text: string): number {
  return stringWidth(text);
}

/**
 * One logical line as the rows it takes at `columns`: words wrap, over-long words break, colours carry
 * over to the next row. Every row is at most `columns` wide, so the terminal never wraps by itself.
 */
export function wrapLine(line: string, columns: number): string[] {
  const width = Math.max(1, columns);
  if (visibleWidth(line) <= width) return [line];
  return wrapAnsi(line, width, { hard: true, trim: false }).split("\n");
}

/** Several lines (each possibly with `\n` inside) wrapped to `columns`. */
export function wrapLines(lines: readonly string[], columns: number): string[] {
  const out: string[] = [];
  for (const line of lines) for (const part of line.split("\n")) out.push(...wrapLine(part, columns));
  return out;
}

/** The text cut to `columns` with an ellipsis (colours dropped when it has to be cut). */
export function truncateToWidth(text: string, columns: number): string {
  if (visibleWidth(text) <= columns) return text;
  if (columns <= 1) return "…".slice(0, columns);
  let out = "";
  let width = 0;
  for (const char of stripAnsi(text)) {
    width += visibleWidth(char);
    if (width > columns - 1) break;
    out += char;
  }
  return `${out}…`;
}
