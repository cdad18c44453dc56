// A dream in its own process, for the kill -9 test: what --dream-now runs (the gates with force, then
// the dream) against the scripted API at <url>. Usage: bun dream-child.ts <memory dir> <url>
import { dreamWhenDue } from "../../src/dream.ts";
import { parentConfig } from "./dream-fixture.ts";

const [dir, url] = process.argv.slice(2) as [string, string];
const run = await dreamWhenDue({ dir, settings: { dreamIntervalHours: 24, dreamSessionThreshold: 5 }, force: true, config: parentConfig(url, dir), env: { HOME: process.env.HOME } });
process.stdout.write(run.ran ? `${run.status}: ${run.message}\n` : `blocked: ${run.reason}\n`);
