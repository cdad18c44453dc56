// The permission modes (claude-code-compat §5); `manual` is accepted as Claude Code's newer name for default.
export const PERMISSION_MODES = ["default", "acceptEdits", "plan", "bypassPermissions", "dontAsk"] as const;
export type PermissionMode = (typeof PERMISSION_MODES)[number];

export function isPermissionMode(value: string): value is PermissionMode {
  return (PERMISSION_MODES as readonly string[]).includes(value);
}

/** The mode a flag or setting value names, aliases included. */
export function parsePermissionMode(value: string): PermissionMode | undefined {
  if (value === "manual") return "default";
  return isPermissionMode(value) ? value : undefined;
}
