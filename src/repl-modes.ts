// Shift+Tab cycles the permission modes, and the row under the prompt says which one is on.
import type { PermissionMode } from "./permission-modes.ts";

const CYCLE: PermissionMode[] = ["default", "acceptEdits", "plan", "bypassPermissions"];

/** The next mode in the cycle; bypassPermissions only when the run was allowed to use it. */
export function nextMode(mode: PermissionMode, bypassAllowed: boolean): PermissionMode {
  const cycle = bypassAllowed ? CYCLE : CYCLE.filter((m) => m !== "bypassPermissions");
  const at = cycle.indexOf(mode);
  return cycle[(at + 1) % cycle.length]!;
}

/** The footer's words for a mode; undefined for default (the footer shows its usual hint). */
export function modeLabel(mode: PermissionMode): string | undefined {
  switch (mode) {
    case "acceptEdits":
      return "⏵⏵ accept edits on (shift+tab to cycle)";
    case "plan":
      return "⏸ plan mode on (shift+tab to cycle)";
    case "bypassPermissions":
      return "⏵⏵ bypass permissions on (shift+tab to cycle)";
    case "dontAsk":
      return "don't ask mode on (shift+tab to cycle)";
    default:
      return undefined;
  }
}
