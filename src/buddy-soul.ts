// BUDDY's soul: the name and one-sentence personality the model writes the first time the companion is
// shown, stored in ~/.hone/buddy.json and never rewritten; plus what it takes to let the buddy answer
// when the user speaks to it by name (detecting the vocative, the prompt, the speech bubble).
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { stripAnsi, visibleWidth, wrapLine } from "./ansi-text.ts";
import { STAT_NAMES, writeFileOnce, type Companion, type Species } from "./buddy.ts";
import { honeHome, type Env } from "./config-dir.ts";

export interface Soul {
  name: string;
  personality: string;
  /** When the soul was written (ISO 8601). */
  hatchedAt: string;
  /** True when the model could not be asked: a stand-in that was not stored (the next call asks again). */
  provisional?: boolean;
}

/** What buddy.json holds: the soul plus the companion it belongs to. */
interface SoulFile extends Soul {
  version: 1;
  seed: number;
  species: Species;
}

/** Sends one prompt to the model and resolves to its text answer (a small side request). */
export type Complete = (prompt: string) => Promise<string>;

export class BuddySoulError extends Error {
  override name = "BuddySoulError";
}

export function soulPath(env: Env): string {
  return join(honeHome(env), "buddy.json");
}

/** Names used when the model's answer holds no usable one. */
export const DEFAULT_NAMES: Readonly<Record<Species, string>> = {
  Pebblecrab: "Pebbles", Dustbunny: "Dusty", Mossfrog: "Mossy", Twigling: "Twiggy", Dewdrop: "Dewey",
  Puddlefish: "Puddles", Cloudferret: "Nimbus", Gustowl: "Gusty", Bramblebear: "Bramble", Thornfox: "Thistle",
  Crystaldrake: "Prism", Deepstag: "Fathom", Lavapup: "Ember", Stormwyrm: "Tempest", Voidcat: "Umbra",
  Aetherling: "Wisp", Cosmoshale: "Orbit", Nebulynx: "Nova",
};

const NAME_MAX = 24;
const PERSONALITY_MAX = 200;

function strongestStat(companion: Companion): string {
  return STAT_NAMES.reduce((best, name) => (companion.stats[name] > companion.stats[best] ? name : best));
}

export function defaultPersonality(companion: Companion): string {
  return `A ${companion.rarity.toLowerCase()} ${companion.species} with more ${strongestStat(companion).toLowerCase()} than it knows what to do with.`;
}

/** The request for a soul: JSON with a name and a one-sentence personality. */
export function soulPrompt(companion: Companion): string {
  const stats = STAT_NAMES.map((name) => `${name} ${companion.stats[name]}/10`).join(", ");
  return [
    `A small terminal companion has just hatched: a ${companion.rarity} ${companion.species}${companion.shiny ? " (a rare shiny one)" : ""}.`,
    `Its stats: ${stats}.`,
    "Give it a short, friendly name (one or two words) and describe its personality in one sentence that fits its species and stats.",
    'Answer with JSON only, exactly this shape: {"name": "...", "personality": "..."}',
  ].join("\n");
}

/** One line of plain text: no escapes or control characters, no wrapping quotes or markdown emphasis. */
function cleanText(value: string): string {
  const flat = stripAnsi(value).replace(/[\u0000-\u001f\u007f]+/g, " ").replace(/\s+/g, " ");
  return flat.replace(/^[\s"'`*_“”‘’]+|[\s"'`*_“”‘’]+$/g, "");
}

export function cleanName(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const name = cleanText(value).replace(/[.!]+$/, "");
  if (name.length === 0 || name.length > NAME_MAX) return undefined;
  return /^[\p{L}\p{N}][\p{L}\p{N} '.-]*$/u.test(name) ? name : undefined;
}

function cleanPersonality(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const text = cleanText(value);
  if (text.length === 0) return undefined;
  return text.length <= PERSONALITY_MAX ? text : `${text.slice(0, PERSONALITY_MAX - 1).trimEnd()}…`;
}

/** The JSON object inside a model's answer, tolerating code fences and chatter around it. */
function findJsonObject(text: string): Record<string, unknown> | undefined {
  const start = text.indexOf("{");
  for (let end = text.lastIndexOf("}"); start !== -1 && end > start; end = text.lastIndexOf("}", end - 1)) {
    try {
      const value: unknown = JSON.parse(text.slice(start, end + 1));
      if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // a shorter candidate may parse
    }
  }
  return undefined;
}

/** Name and personality from the model's answer: JSON preferred, "Name: ..." lines accepted, defaults last. */
export function parseSoulAnswer(answer: string, companion: Companion): { name: string; personality: string } {
  const json = findJsonObject(answer);
  const line = (key: string): string | undefined => new RegExp(`^\\W*${key}\\W*[:=]\\s*(.+)$`, "im").exec(answer)?.[1];
  const name = cleanName(json?.name) ?? cleanName(line("name")) ?? DEFAULT_NAMES[companion.species];
  const personality = cleanPersonality(json?.personality) ?? cleanPersonality(line("personality")) ?? defaultPersonality(companion);
  return { name, personality };
}

/** The stored soul, undefined when there is none yet; a damaged file is an error, never replaced. */
export async function readSoul(env: Env, companion: Companion): Promise<Soul | undefined> {
  const path = soulPath(env);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  let data: Partial<SoulFile>;
  try {
    data = JSON.parse(text) as Partial<SoulFile>;
  } catch (error) {
    throw new BuddySoulError(`${path}: not valid JSON (${(error as Error).message}); fix it, or delete it to let your buddy get a new soul`);
  }
  if (!data || typeof data !== "object" || typeof data.name !== "string" || typeof data.personality !== "string") {
    throw new BuddySoulError(`${path}: expected {"name": "...", "personality": "...", ...}; fix it, or delete it to let your buddy get a new soul`);
  }
  // A hand-written file without a seed is taken as is.
  if (data.seed !== undefined && data.seed !== companion.seed) {
    const whose = typeof data.species === "string" ? `a ${data.species}` : "another companion";
    throw new BuddySoulError(`${path} holds the soul of ${whose} (a different user id); delete it to let your ${companion.species} get its own`);
  }
  return { name: data.name, personality: data.personality, hatchedAt: typeof data.hatchedAt === "string" ? data.hatchedAt : "" };
}

/**
 * The companion's soul: the stored one, or a new one written by the model through `complete` and stored
 * (only once: a concurrent session that stored first wins). If `complete` fails, a stand-in marked
 * `provisional` is returned and nothing is stored.
 */
export async function ensureSoul(companion: Companion, complete: Complete, env: Env, now: () => Date = () => new Date()): Promise<Soul> {
  const stored = await readSoul(env, companion);
  if (stored) return stored;
  let answer: string;
  try {
    answer = await complete(soulPrompt(companion));
  } catch {
    return { name: DEFAULT_NAMES[companion.species], personality: defaultPersonality(companion), hatchedAt: now().toISOString(), provisional: true };
  }
  const soul: Soul = { ...parseSoulAnswer(answer, companion), hatchedAt: now().toISOString() };
  const file: SoulFile = { version: 1, seed: companion.seed, species: companion.species, ...soul };
  if (await writeFileOnce(soulPath(env), `${JSON.stringify(file, null, 2)}\n`)) return soul;
  return (await readSoul(env, companion)) ?? soul;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// Only words that cannot start a coding request, so "ok null checks..." never wakes a buddy named Null.
const GREETING = "(?:hey|hi|hello|yo|dear|thanks|thank you)";

/**
 * Whether the user is speaking to the buddy: the message opens with its name followed by punctuation
 * ("Pebbles, what do you think?", "hey Pebbles"), ends with it after a comma ("thoughts, Pebbles?"),
 * names it between commas, or @-mentions it. A bare mention ("Pebbles is a crab") does not count.
 */
export function isAddressed(text: string, name: string): boolean {
  const trimmed = name.trim();
  if (trimmed === "") return false;
  const n = `@?${escapeRegExp(trimmed)}(?![\\p{L}\\p{N}_])`;
  const patterns = [
    `^\\s*${n}\\s*(?:[,:;!?.…]+(?:\\s|$)|$)`,
    `^\\s*${GREETING}[\\s,]+${n}`,
    `[,;]\\s*${n}\\s*[?!.…]*\\s*$`,
    `[,;]\\s*${n}\\s*,`,
    `(?<![\\p{L}\\p{N}_])@${escapeRegExp(trimmed)}(?![\\p{L}\\p{N}_])`,
  ];
  return patterns.some((p) => new RegExp(p, "iu").test(text));
}

const REPLY_MAX = 120;

/** The prompt for the buddy's one-line answer to a message addressed to it. */
export function buddyReplyPrompt(companion: Companion, soul: Pick<Soul, "name" | "personality">, userText: string): string {
  return [
    `You are ${soul.name}, a ${companion.rarity.toLowerCase()} ${companion.species} who keeps a programmer company in their terminal. ${soul.personality}`,
    `They just said to you: ${JSON.stringify(userText)}`,
    `Reply in character with one short line (under ${REPLY_MAX} characters), plain text, no quotes, no markdown. You do not run tools or write code; the main assistant handles the actual work.`,
  ].join("\n");
}

/** The model's reply reduced to one clean line, without a "Name:" prefix or wrapping quotes. */
export function cleanReply(answer: string, name: string): string {
  const line = stripAnsi(answer).split("\n").map((l) => l.trim()).find((l) => l !== "") ?? "";
  const unprefixed = line.replace(new RegExp(`^\\**${escapeRegExp(name)}\\**\\s*:\\s*`, "i"), "");
  const text = cleanText(unprefixed);
  return text.length <= REPLY_MAX ? text : `${text.slice(0, REPLY_MAX - 1).trimEnd()}…`;
}

/**
 * Text in an ASCII speech bubble at most `width` columns wide (text wrapped inside), with a tail at the
 * bottom right pointing down towards the sprite.
 */
export function speechBubble(text: string, width: number): string[] {
  const plain = stripAnsi(text).replace(/[\u0000-\u001f\u007f]+/g, " ").replace(/\s+/g, " ").trim();
  const inner = Math.max(1, Math.min(width - 4, 60));
  const lines = wrapLine(plain, inner).map((l) => l.trim());
  const body = Math.max(...lines.map(visibleWidth), 1);
  const border = "-".repeat(body + 2);
  return [
    `.${border}.`,
    ...lines.map((l) => `| ${l}${" ".repeat(body - visibleWidth(l))} |`),
    `'${border}'`,
    `${" ".repeat(Math.max(0, body))}\\`,
  ];
}
