// Temp folders for extension loader tests: a private HOME, a project folder, and a writer that creates
// parent folders. Nothing touches the process HOME.
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { loadExtensions, type ExtensionOptions } from "../../src/extensions.ts";

export interface Fixture {
  root: string;
  home: string;
  project: string;
  env: Record<string, string>;
  put: (path: string, text: string) => string;
  load: (extra?: Partial<ExtensionOptions>) => ReturnType<typeof loadExtensions>;
}

export function fixture(name = "ext"): Fixture {
  const root = realpathSync(mkdtempSync(join(tmpdir(), `hone-${name}-`)));
  const home = join(root, "home");
  const project = join(root, "project");
  mkdirSync(home, { recursive: true });
  mkdirSync(project, { recursive: true });
  const env = { HOME: home };
  const put = (path: string, text: string) => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    return path;
  };
  const load = (extra: Partial<ExtensionOptions> = {}) => loadExtensions({ cwd: project, env, ...extra });
  return { root, home, project, env, put, load };
}

export function skillText(fields: Record<string, string>, body = "Body text."): string {
  const lines = Object.entries(fields).map(([k, v]) => `${k}: ${v}`);
  return `---\n${lines.join("\n")}\n---\n${body}\n`;
}
