// Builds dist/hone: one minified executable with the version stamped in, no .env/bunfig autoload,
// and the skills/ folder embedded. Then checks that the binary runs.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import pkg from "./package.json" with { type: "json" };

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const outfile = process.env.HONE_OUTFILE ?? "dist/hone";
const target = process.env.HONE_TARGET as Bun.Build.CompileTarget | undefined;
const result = await Bun.build({
  entrypoints: ["src/main.ts", ...filesUnder("skills")],
  minify: true,
  sourcemap: "none",
  define: { HONE_VERSION: JSON.stringify(pkg.version) },
  compile: {
    outfile,
    ...(target ? { target } : {}),
    autoloadDotenv: false,
    autoloadBunfig: false,
  },
});
if (!result.success) {
  for (const log of result.logs) console.error(log);
  process.exit(1);
}

if (!target) {
  const check = Bun.spawnSync([outfile, "--version"]);
  const printed = check.stdout.toString().trim();
  if (check.exitCode !== 0 || !printed.startsWith(pkg.version)) {
    console.error(`build: ${outfile} --version failed (exit ${check.exitCode}): ${printed} ${check.stderr.toString()}`);
    process.exit(1);
  }
  console.log(`built ${outfile} (${(statSync(outfile).size / 1e6).toFixed(1)} MB), --version: ${printed}`);
}
