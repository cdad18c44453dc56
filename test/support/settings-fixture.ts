// A private root for settings tests: home, project and managed folders, a writer for files under it
// (objects written as pretty JSON), and LoadOptions pointing at them. Nothing reads the real /etc or HOME.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { SettingsError, type LoadOptions } from "../../src/settings.ts";

export interface SettingsFixture {
  home: string;
  cwd: string;
  managed: string[];
  write: (path: string, content: string | object) => string;
  options: (extra?: Partial<LoadOptions>) => LoadOptions;
}

export function settingsFixture(): SettingsFixture {
  const root = mkdtempSync(join(tmpdir(), "hone-settings-"));
  const home = join(root, "home");
  const cwd = join(root, "project");
  mkdirSync(home, { recursive: true });
  mkdirSync(cwd, { recursive: true });
  const managed = [join(root, "etc-claude", "managed-settings.json"), join(root, "etc-hone", "managed-settings.json")];
  const write = (path: string, content: string | object) => {
    const full = path.startsWith("/") ? path : join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, typeof content === "string" ? content : JSON.stringify(content, null, 2));
    return full;
  };
  // Trusted by default: these tests are about layering; trust has its own tests.
  const options = (extra: Partial<LoadOptions> = {}): LoadOptions => ({ cwd, env: { HOME: home }, managedPaths: managed, trusted: true, ...extra });
  return { home, cwd, managed, write, options };
}

/** The SettingsError `fn` throws; any other outcome fails the test. */
export function thrownSettingsError(fn: () => unknown): SettingsError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SettingsError) return error;
    throw error;
  }
  throw new Error("expected a SettingsError");
}
