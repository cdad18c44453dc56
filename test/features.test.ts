// Compile-time features: the build's define entries and the --features list.
import { expect, test } from "bun:test";
import { builtFeatures, featureDefines, notBuiltIn, parseFeatures } from "../src/features.ts";

test("every known feature gets a define, true only for the ones asked for", () => {
  expect(featureDefines(["buddy"])).toEqual({ HONE_FEATURE_BUDDY: "true", HONE_FEATURE_PROACTIVE: "false" });
  expect(featureDefines([])).toEqual({ HONE_FEATURE_BUDDY: "false", HONE_FEATURE_PROACTIVE: "false" });
});

test("--features accepts known names with spaces and empty items, and names an unknown one", () => {
  expect(parseFeatures("buddy, proactive,")).toEqual(["buddy", "proactive"]);
  expect(parseFeatures("")).toEqual([]);
  expect(() => parseFeatures("buddy,kairos")).toThrow("unknown feature kairos (features: buddy, proactive)");
});

test("unbundled code has every feature off, and the message says how to build with one", () => {
  expect(builtFeatures()).toEqual([]);
  expect(notBuiltIn("buddy", "/buddy")).toBe('/buddy needs the "buddy" feature, and this hone was built without it (build with: bun run build --features buddy)');
});
