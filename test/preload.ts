// Points HOME and the XDG dirs at a fresh temp dir so tests never read or write the real user's files.
import { mkdtempSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = mkdtempSync(join(tmpdir(), "hone-test-home-"));
for (const dir of ["config", "data", "cache", "state"]) mkdirSync(join(root, dir), { recursive: true });
process.env.HOME = root;
process.env.XDG_CONFIG_HOME = join(root, "config");
process.env.XDG_DATA_HOME = join(root, "data");
process.env.XDG_CACHE_HOME = join(root, "cache");
process.env.XDG_STATE_HOME = join(root, "state");
process.env.HONE_TEST_HOME = root;
delete process.env.ANTHROPIC_API_KEY;
delete process.env.ANTHROPIC_AUTH_TOKEN;
delete process.env.ANTHROPIC_BASE_URL;
delete process.env.ANTHROPIC_MODEL;
