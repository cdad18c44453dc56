// Compile-time features (`bun run build --features buddy,proactive`). build.ts defines HONE_FEATURE_<NAME>
// as true for each feature asked for and false for the rest; the bundler then drops the code behind a
// false one, so a default binary does not contain it at all. Unbundled (bun run, Deno) every feature is
// off. Use sites test the constant inline, `if (typeof HONE_FEATURE_BUDDY === "boolean" &&
// HONE_FEATURE_BUDDY)`, and import the feature's modules dynamically inside: a constant read through
// another module would not be folded, and the module would stay in the binary.
declare global {
  const HONE_FEATURE_BUDDY: boolean | undefined;
  const HONE_FEATURE_PROACTIVE: boolean | undefined;
}

export const FEATURES = ["buddy", "proactive"] as const;
export type Feature = (typeof FEATURES)[number];

/** The build's `define` entries for the chosen features (every known feature gets a value). */
export function featureDefines(enabled: readonly Feature[]): Record<string, string> {
  return Object.fromEntries(FEATURES.map((f) => [`HONE_FEATURE_${f.toUpperCase()}`, enabled.includes(f) ? "true" : "false"]));
}

/** Parses `--features a,b`; an unknown name is an error naming the known ones. */
export function parseFeatures(list: string): Feature[] {
  const names = list.split(",").map((n) => n.trim()).filter((n) => n !== "");
  const unknown = names.filter((n) => !(FEATURES as readonly string[]).includes(n));
  if (unknown.length > 0) throw new Error(`unknown feature ${unknown.join(", ")} (features: ${FEATURES.join(", ")})`);
  return names as Feature[];
}

/** What a binary was built with, for messages like "built without feature buddy". */
export function builtFeatures(): Feature[] {
  const on: Feature[] = [];
  if (typeof HONE_FEATURE_BUDDY === "boolean" && HONE_FEATURE_BUDDY) on.push("buddy");
  if (typeof HONE_FEATURE_PROACTIVE === "boolean" && HONE_FEATURE_PROACTIVE) on.push("proactive");
  return on;
}

/** The message for a flag or command of a feature this binary was built without. */
export function notBuiltIn(feature: Feature, what: string): string {
  return `${what} needs the "${feature}" feature, and this hone was built without it (build with: bun run build --features ${feature})`;
}
