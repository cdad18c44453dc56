// Post-edit diagnostics: which errors an edit introduced (compared with the file's errors before it, by
// message and code, since line numbers move) and the few lines appended to the edit's result. Also the
// wait for a server's publishDiagnostics, which has no "done" signal: the first publish after the change,
// then a short quiet period for the passes that follow (syntax, then semantic), all under a deadline.
import type { LspClient } from "./lsp-client.ts";
import type { Diagnostic } from "./lsp-protocol.ts";

export interface DiagnosticsTiming {
  /** Wait for the first diagnostics of a file just opened (the server may still be loading the project). */
  firstMs: number;
  /** Wait for diagnostics after a change to an open file (none come when nothing changed). */
  changeMs: number;
  /** Quiet period after a publish before the result is taken (later passes may follow). */
  settleMs: number;
  /** The quiet period after the first publish of a file just opened (its semantic pass is slower). */
  firstSettleMs: number;
}

export const DEFAULT_DIAGNOSTICS_TIMING: DiagnosticsTiming = { firstMs: 8_000, changeMs: 4_000, settleMs: 500, firstSettleMs: 1_500 };

const MAX_SHOWN = 5;
const MAX_MESSAGE = 300;

export function isError(d: Diagnostic): boolean {
  return d.severity === undefined || d.severity === null || d.severity === 1;
}

function key(d: Diagnostic): string {
  return `${d.source ?? ""}\0${d.code ?? ""}\0${d.message}`;
}

function byPosition(a: Diagnostic, b: Diagnostic): number {
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
}

/**
 * Errors in `after` that `before` did not have. Errors are matched by message and code, since the edit
 * moves lines; when a message repeats, each old one claims the nearest by line.
 */
export function newErrors(before: readonly Diagnostic[] | undefined, after: readonly Diagnostic[]): Diagnostic[] {
  const errors = after.filter(isError).sort(byPosition);
  if (!before) return errors;
  const claimed = new Set<Diagnostic>();
  for (const old of before.filter(isError)) {
    let best: Diagnostic | undefined;
    for (const d of errors) {
      if (claimed.has(d) || key(d) !== key(old)) continue;
      if (!best || Math.abs(d.range.start.line - old.range.start.line) < Math.abs(best.range.start.line - old.range.start.line)) best = d;
    }
    if (best) claimed.add(best);
  }
  return errors.filter((d) => !claimed.has(d));
}

function oneLine(message: string): string {
  const flat = message.replace(/\s*\n\s*/g, " ").trim();
  return flat.length > MAX_MESSAGE ? `${flat.slice(0, MAX_MESSAGE)}…` : flat;
}

/** The note appended to an edit's result: a heading, then `path:line:col: message` lines, capped. */
export function formatNewErrors(display: string, errors: readonly Diagnostic[], comparedWithBefore: boolean): string | undefined {
  if (errors.length === 0) return undefined;
  const n = errors.length;
  const what = `${n} ${comparedWithBefore ? "new " : ""}error${n === 1 ? "" : "s"}`;
  const head = `The language server reports ${what} in this file${comparedWithBefore ? " after this edit" : ""}:`;
  const lines = errors.slice(0, MAX_SHOWN).map((d) => {
    const code = d.code === undefined || d.code === null || d.code === "" ? "" : ` [${d.source ? `${d.source} ` : ""}${d.code}]`;
    return `${display}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${oneLine(d.message)}${code}`;
  });
  if (n > MAX_SHOWN) lines.push(`… and ${n - MAX_SHOWN} more`);
  return [head, ...lines].join("\n");
}

/**
 * Collects a file's diagnostics published after `start()`: resolves with the latest list once no new
 * publish came for the settle period, or undefined when none came within `waitMs` (or on abort).
 */
export function watchDiagnostics(client: LspClient, uri: string): {
  result(waitMs: number, settleMs: number, signal: AbortSignal): Promise<Diagnostic[] | undefined>;
  stop(): void;
  /** When the first publish arrived (Date.now()), if one did. */
  firstAt(): number | undefined;
} {
  let latest: Diagnostic[] | undefined;
  let first: number | undefined;
  let wake: (() => void) | undefined;
  const stop = client.onDiagnostics((published, diagnostics) => {
    if (published !== uri) return;
    latest = diagnostics;
    first ??= Date.now();
    wake?.();
  });
  const result = async (waitMs: number, settleMs: number, signal: AbortSignal): Promise<Diagnostic[] | undefined> => {
    const deadline = Date.now() + waitMs + settleMs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () => wake?.();
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      // Wait for the first publish, then until a settle period passes without another one.
      let seen = latest;
      let limit = latest === undefined ? waitMs : settleMs;
      for (;;) {
        const before = latest;
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, Math.max(0, Math.min(limit, deadline - Date.now())));
        });
        clearTimeout(timer);
        if (signal.aborted) return undefined;
        if (latest === before) return seen;
        seen = latest;
        limit = settleMs;
        if (Date.now() >= deadline) return seen;
      }
    } finally {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      stop();
    }
  };
  return { result, stop, firstAt: () => first };
}
