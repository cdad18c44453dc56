// Builds dist/hone: one minified executable with the version stamped in, no .env/bunfig autoload,
// and the skills/ folder embedded. Then checks that the binary runs.
import { statSync } from "node:fs";
import pkg from "./package.json" with { type: "json" };

const outfile = process.env.HONE_OUTFILE ?? "dist/hone";
const target = process.env.HONE_TARGET as Bun.Build.CompileTarget | undefined;
const result = await Bun.build({
  entrypoints: ["src/main.ts"],
  minify: true,
  bytecode: true,
  format: "esm",
  sourcemap: "none",
  define: { HONE_VERSION: JSON.stringify(pkg.version) },
  compile: {
    outfile,
    ...(target ? { target } : {}),
    autoloadDotenv: false,
    autoloadBunfig: false,
    // Embedded byte for byte (an entrypoint would be transformed: markdown becomes HTML).
    assets: ["skills"],
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
