// Builds dist/hone: one minified executable with the version stamped in, no .env/bunfig autoload,
// and the skills/ folder embedded. Then checks that the binary runs.
//
// `bun run build.ts --release [--targets linux-x64,darwin-arm64] [--out dir]` instead cross-compiles
// one binary per target into a folder laid out like GitHub releases (what install.sh downloads from):
//   <out>/download/v<version>/{hone-<os>-<arch>[-musl], SHA256SUMS, install.sh}
//   <out>/latest/download/   (the same files)
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { copyFileSync, createReadStream, linkSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import pkg from "./package.json" with { type: "json" };
import { featureDefines, parseFeatures, type Feature } from "./src/features.ts";

type Target = Bun.Build.CompileTarget;

/** Every target a release tries, in the order they are built; the file name drops the "bun-" prefix. */
const RELEASE_TARGETS = [
  "bun-linux-x64",
  "bun-linux-arm64",
  "bun-linux-x64-musl",
  "bun-linux-arm64-musl",
  "bun-darwin-x64",
  "bun-darwin-arm64",
] as const satisfies readonly Target[];
type ReleaseTarget = (typeof RELEASE_TARGETS)[number];

async function compile(outfile: string, target: Target | undefined, features: readonly Feature[] = []): Promise<string | undefined> {
  try {
    const result = await Bun.build({
      entrypoints: ["src/main.ts"],
      minify: true,
      bytecode: true,
      format: "esm",
      sourcemap: "none",
      define: { HONE_VERSION: JSON.stringify(pkg.version), ...featureDefines(features) },
      compile: {
        outfile,
        ...(target ? { target } : {}),
        autoloadDotenv: false,
        autoloadBunfig: false,
        // Embedded byte for byte (an entrypoint would be transformed: markdown becomes HTML).
        assets: ["skills"],
      },
    });
    if (!result.success) return result.logs.map(String).join("\n") || "build failed";
    return undefined;
  } catch (error) {
    // Bun throws (rather than returning success: false) for some failures, e.g. an unreachable runtime
    // download; the useful detail ("Failed to download 'bun-linux-aarch64-…'") is in the aggregated errors.
    if (error instanceof AggregateError && error.errors.length > 0) return error.errors.map(String).join("; ");
    return error instanceof Error ? error.message : String(error);
  }
}

/** Runs `<binary> --version`: what it printed, plus an error message unless it printed this version. */
function smokeTest(binary: string): { printed: string; error?: string } {
  const check = spawnSync(binary, ["--version"], { encoding: "utf8" });
  const printed = (check.stdout ?? "").trim();
  if (check.status === 0 && printed.startsWith(pkg.version)) return { printed };
  return { printed, error: `${binary} --version failed (exit ${check.status}): ${printed} ${check.stderr ?? check.error?.message ?? ""}` };
}

async function buildDefault(features: readonly Feature[]): Promise<void> {
  const outfile = process.env.HONE_OUTFILE ?? "dist/hone";
  const target = process.env.HONE_TARGET as Target | undefined;
  const failure = await compile(outfile, target, features);
  if (failure) fail(failure);
  if (target) return;
  const { printed, error } = smokeTest(outfile);
  if (error) fail(`build: ${error}`);
  const extras = features.length > 0 ? `, features: ${features.join(", ")}` : "";
  console.log(`built ${outfile} (${(statSync(outfile).size / 1e6).toFixed(1)} MB), --version: ${printed}${extras}`);
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

/** The release target this machine runs natively (its build must succeed and is smoke-tested). */
function hostTarget(): string {
  if (process.platform !== "linux") return `bun-${process.platform}-${process.arch}`;
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  const glibc = report?.header?.glibcVersionRuntime;
  const musl = glibc === undefined && /musl/i.test(spawnSync("ldd", ["--version"], { encoding: "utf8" }).stderr ?? "");
  return `bun-linux-${process.arch}${musl ? "-musl" : ""}`;
}

interface ReleaseOptions {
  targets: ReleaseTarget[];
  out: string;
}

function parseReleaseArgs(args: string[]): ReleaseOptions {
  let targets: ReleaseTarget[] = [...RELEASE_TARGETS];
  let out = "dist/release";
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    const [name, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    if (name === "--release") continue;
    if (name !== "--targets" && name !== "--out") fail(`release: unknown option ${arg} (expected --targets <list> or --out <dir>)`);
    const value = inline ?? args[++i];
    if (!value) fail(`release: ${name} needs a value`);
    if (name === "--out") {
      out = value;
      continue;
    }
    targets = value.split(",").map((raw) => {
      const wanted = raw.trim().startsWith("bun-") ? raw.trim() : `bun-${raw.trim()}`;
      const known = RELEASE_TARGETS.find((t) => t === wanted);
      if (!known) fail(`release: unknown target "${raw}" (known: ${RELEASE_TARGETS.map((t) => t.slice(4)).join(", ")})`);
      return known;
    });
  }
  return { targets, out: resolve(out) };
}

async function sha256(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Recreates `dest` holding the files of `source` (hard links: identical bytes without doubling the size). */
function mirror(source: string, dest: string): void {
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  for (const name of readdirSync(source)) {
    try {
      linkSync(join(source, name), join(dest, name));
    } catch {
      copyFileSync(join(source, name), join(dest, name));
    }
  }
}

async function release(options: ReleaseOptions): Promise<void> {
  const host = hostTarget();
  const version = `v${pkg.version}`;
  // Built in a staging folder and renamed at the end, so a failed release never leaves a half-filled version folder.
  const staging = join(options.out, `.staging-${version}-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const built: string[] = [];
  const skipped: string[] = [];
  for (const target of options.targets) {
    const file = `hone-${target.slice(4)}`;
    const outfile = join(staging, file);
    const started = performance.now();
    const failure = (await compile(outfile, target)) ?? (target === host ? smokeTest(outfile).error : undefined);
    if (failure) {
      if (target === host) {
        rmSync(staging, { recursive: true, force: true });
        fail(`release: the host target ${target} failed, aborting:\n${failure}`);
      }
      console.error(`release: skipping ${target}, it could not be built here: ${failure.split("\n")[0]}`);
      rmSync(outfile, { force: true });
      skipped.push(target);
      continue;
    }
    console.log(`built ${file} (${(statSync(outfile).size / 1e6).toFixed(1)} MB, ${((performance.now() - started) / 1000).toFixed(1)} s)`);
    built.push(file);
  }
  if (built.length === 0) {
    rmSync(staging, { recursive: true, force: true });
    fail("release: no target could be built");
  }
  const sums: string[] = [];
  for (const file of built) sums.push(`${await sha256(join(staging, file))}  ${file}`);
  writeFileSync(join(staging, "SHA256SUMS"), `${sums.join("\n")}\n`);
  copyFileSync("install.sh", join(staging, "install.sh"));

  const versionDir = join(options.out, "download", version);
  rmSync(versionDir, { recursive: true, force: true });
  mkdirSync(join(options.out, "download"), { recursive: true });
  renameSync(staging, versionDir);
  mirror(versionDir, join(options.out, "latest", "download"));
  console.log(`release ${version} in ${options.out}: ${built.length} binaries${skipped.length ? `, skipped ${skipped.join(", ")}` : ""}`);
}

/** `--features a,b` or `--features=a,b` (or HONE_FEATURES) for a default build. */
function parseBuildArgs(args: string[]): Feature[] {
  let list = process.env.HONE_FEATURES ?? "";
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--features") list = args[++i] ?? fail("build: --features needs a list, e.g. --features buddy,proactive");
    else if (arg.startsWith("--features=")) list = arg.slice("--features=".length);
    else fail(`build: unknown argument ${arg} (use --features <list>, or --release for a release folder)`);
  }
  try {
    return parseFeatures(list);
  } catch (error) {
    return fail(`build: ${(error as Error).message}`);
  }
}

const cliArgs = process.argv.slice(2);
if (cliArgs.includes("--release")) await release(parseReleaseArgs(cliArgs));
else await buildDefault(parseBuildArgs(cliArgs));

