// `@path` in a prompt: the mentioned files' text goes along with the prompt, so the model does not need
// a Read first. Directories get a listing. Files the permission rules deny reading, binaries and very
// large files are left for the model to handle with its tools.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";

const MAX_BYTES = 256 * 1024;
const MAX_ENTRIES = 200;
const MENTION = /(?:^|\s)@(?:"([^"]+)"|([^\s"]+))/g;

/** The @paths in a prompt, resolved against cwd, in order, each once (email-like `a@b` is not one). */
export function mentionedPaths(prompt: string, cwd: string): string[] {
  const paths: string[] = [];
  for (const match of prompt.matchAll(MENTION)) {
    const raw = (match[1] ?? match[2] ?? "").replace(/[.,;:!?)]+$/, "");
    if (raw === "" || (raw.includes(":") && !isAbsolute(raw))) continue;
    const path = resolve(cwd, raw);
    if (!paths.includes(path)) paths.push(path);
  }
  return paths;
}

function describe(path: string, cwd: string, canRead: (path: string) => boolean): string | undefined {
  if (!canRead(path)) return undefined;
  let info;
  try {
    info = statSync(path);
  } catch {
    return undefined;
  }
  const shown = relative(cwd, path) || ".";
  if (info.isDirectory()) {
    const names = readdirSync(path, { withFileTypes: true }).map((d) => (d.isDirectory() ? `${d.name}/` : d.name)).sort();
    const listed = names.slice(0, MAX_ENTRIES).join("\n");
    return `Directory @${shown} (mentioned by the user):\n${listed}${names.length > MAX_ENTRIES ? `\n… ${names.length - MAX_ENTRIES} more` : ""}`;
  }
  if (!info.isFile() || info.size > MAX_BYTES) return undefined;
  const bytes = readFileSync(path);
  if (bytes.includes(0)) return undefined;
  return `Contents of @${shown} (mentioned by the user):\n\`\`\`\n${bytes.toString("utf8").replace(/\n$/, "")}\n\`\`\``;
}

/** Text blocks to send after the prompt, one per mentioned file or directory that could be read. */
export function mentionAttachments(prompt: string, cwd: string, canRead: (path: string) => boolean = () => true): string[] {
  return mentionedPaths(prompt, cwd).flatMap((path) => describe(path, cwd, canRead) ?? []);
}
