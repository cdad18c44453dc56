// Readable renderings of bash-analysis results for tests: forms as text with `*` for wildcards, paths
// prefixed with `>` (writes) or `<` (reads) when they come from a redirection.
import { analyzeBash, formText, type CommandUse } from "../../src/bash-analysis.ts";
import { show } from "../../src/pattern.ts";

export const CTX = { cwd: "/p/w", home: "/h" };

export interface Rendered {
  deny: string[];
  allow: string;
  program?: string;
  ro: boolean;
  edit: boolean;
  transparent?: boolean;
  reads: string[];
  writes: string[];
}

export function render(use: CommandUse): Rendered {
  const out: Rendered = {
    deny: use.denyForms.map((f) => show(formText(f))),
    allow: show(formText(use.allowForm)),
    ro: use.readOnly,
    edit: use.fileEdit,
    reads: use.reads.map((p) => (p.via === "redirect" ? "<" : "") + show(p.path)),
    writes: use.writes.map((p) => (p.via === "redirect" ? ">" : "") + show(p.path)),
  };
  if (use.program !== undefined) out.program = use.program;
  if (use.transparent) out.transparent = true;
  return out;
}

export function uses(command: string, cwd = CTX.cwd): Rendered[] {
  return analyzeBash(command, { cwd, home: CTX.home }).commands.map(render);
}

/** The allow form of every command, in order. */
export function allows(command: string): string[] {
  return uses(command).map((u) => u.allow);
}
