// `--json-schema` (structured output for print mode): reads the schema given on the command line, and
// builds the StructuredOutput tool through which the model hands back its final answer. The tool
// validates each call itself so that a mismatch reaches the model as a precise list of failing paths.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { UsageError } from "./cli.ts";
import { formatKeyPath, isPlain, parseJsonSource, SettingsError, type KeyPath } from "./settings-parse.ts";
import { ToolError, type Tool, type ToolSchema } from "./tool.ts";

export const STRUCTURED_OUTPUT_TOOL = "StructuredOutput";
/** Reminders sent for a turn that ended without a valid call before the run ends with error_max_structured_output_retries. */
export const MAX_STRUCTURED_OUTPUT_RETRIES = 5;

const FLAG = "--json-schema";
const MAX_LISTED_ISSUES = 20;

type Schema = Record<string, unknown>;
type Validator = z.ZodType;

export interface StructuredOutput {
  tool: Tool;
  /** The input of the last valid call (unwrapped from `output` for a non-object schema), or undefined. */
  value(): unknown | undefined;
  /** The user message sent when the model ends its turn without a valid StructuredOutput call. */
  reminder(): string;
}

/** The flag's value as a schema: inline JSON (starts with `{`) or the path of a JSON file, resolved against cwd. */
export function parseJsonSchemaOption(text: string, cwd: string): Schema {
  const trimmed = text.trim();
  if (trimmed === "") throw new UsageError(`${FLAG} needs a JSON Schema: inline JSON starting with { or the path of a JSON file`);
  const schema = trimmed.startsWith("{") ? parseSchemaJson(trimmed, undefined) : readSchemaFile(resolve(cwd, trimmed));
  const problem = shapeProblem(schema, []);
  if (problem) throw new UsageError(`${FLAG}: invalid schema: ${problem}`);
  compile(schema);
  return schema;
}

function readSchemaFile(path: string): Schema {
  let raw: string;
  try {
    raw = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const hint = "(the value must be inline JSON starting with { or the path of a JSON file)";
    if (code === "ENOENT") throw new UsageError(`${FLAG}: no such file: ${path} ${hint}`);
    if (code === "EISDIR") throw new UsageError(`${FLAG}: ${path} is a directory, not a JSON file`);
    throw new UsageError(`${FLAG}: cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (raw.trim() === "") throw new UsageError(`${FLAG}: ${path} is empty`);
  return parseSchemaJson(raw, path);
}

function parseSchemaJson(text: string, file: string | undefined): Schema {
  try {
    return parseJsonSource(text, file ?? FLAG).data;
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    const source = file ? ` in ${file}` : "";
    const at = error.line === undefined ? "" : ` at line ${error.line}, column ${error.column ?? 1}`;
    if (error.problem.startsWith("expected a JSON object")) {
      throw new UsageError(`${FLAG}: the schema${source} must be a JSON object, e.g. {"type":"object","properties":{...}}`);
    }
    throw new UsageError(`${FLAG}: invalid JSON${source}${at}: ${error.problem}`);
  }
}

const SCHEMA_MAPS = ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"];
const SCHEMA_LISTS = ["anyOf", "oneOf", "allOf", "prefixItems"];
const SUBSCHEMAS = ["additionalProperties", "items", "not", "contains", "propertyNames", "if", "then", "else", "additionalItems"];

/**
 * Keyword values of the wrong kind, which zod would silently ignore but the API rejects mid-run
 * (e.g. `"required": "name"`). Only the structure is checked here; zod judges the rest.
 */
function shapeProblem(schema: unknown, path: KeyPath): string | undefined {
  if (typeof schema === "boolean") return undefined;
  const where = path.length === 0 ? "the schema" : formatKeyPath(path);
  if (!isPlain(schema)) return `${where} must be a schema object or a boolean`;
  for (const key of SCHEMA_MAPS) {
    const map = schema[key];
    if (map === undefined) continue;
    if (!isPlain(map)) return `${formatKeyPath([...path, key])} must be an object mapping names to schemas`;
    for (const [name, sub] of Object.entries(map)) {
      const problem = shapeProblem(sub, [...path, key, name]);
      if (problem) return problem;
    }
  }
  for (const key of SCHEMA_LISTS) {
    const list = schema[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.length === 0) return `${formatKeyPath([...path, key])} must be a non-empty array of schemas`;
    for (const [index, sub] of list.entries()) {
      const problem = shapeProblem(sub, [...path, key, index]);
      if (problem) return problem;
    }
  }
  for (const key of SUBSCHEMAS) {
    const sub = schema[key];
    if (sub === undefined) continue;
    // Draft-7 tuples give `items` as an array of schemas.
    const subs: unknown[] = key === "items" && Array.isArray(sub) ? sub : [sub];
    for (const [index, one] of subs.entries()) {
      const problem = shapeProblem(one, Array.isArray(sub) ? [...path, key, index] : [...path, key]);
      if (problem) return problem;
    }
  }
  const required = schema.required;
  if (required !== undefined && !(Array.isArray(required) && required.every((r) => typeof r === "string"))) {
    return `${formatKeyPath([...path, "required"])} must be an array of property names`;
  }
  if (schema.enum !== undefined && !Array.isArray(schema.enum)) return `${formatKeyPath([...path, "enum"])} must be an array of values`;
  return undefined;
}

function compile(schema: Schema): Validator {
  try {
    // A private registry: the schema's extra keywords are metadata that must not leak into zod's global one.
    return z.fromJSONSchema(schema as z.core.JSONSchema.JSONSchema, { registry: z.registry() });
  } catch (error) {
    throw new UsageError(`${FLAG}: the schema cannot be used: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const NOT_AT_TOP = ["anyOf", "oneOf", "allOf", "not", "if", "enum", "const", "$ref"];
const OBJECT_KEYWORDS = ["properties", "required", "additionalProperties", "patternProperties", "minProperties", "maxProperties"];

/**
 * Whether the schema can be a tool's input schema as is: the API wants `type: "object"` and no
 * combinator at the top. An untyped schema with object keywords is meant as an object.
 */
function isObjectSchema(schema: Schema): boolean {
  if (NOT_AT_TOP.some((key) => key in schema)) return false;
  if (schema.type === "object") return true;
  return schema.type === undefined && OBJECT_KEYWORDS.some((key) => key in schema);
}

/** Points `$ref: "#"` (recursion on the whole schema) at its new place under `properties.output`. */
function moveRootRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(moveRootRefs);
  if (!isPlain(value)) return value;
  const out: Schema = {};
  for (const [key, sub] of Object.entries(value)) {
    // Literal data, not schemas: leave as given.
    if (key === "const" || key === "enum" || key === "default" || key === "examples") out[key] = sub;
    else if (key === "$ref" && sub === "#") out[key] = "#/properties/output";
    else out[key] = moveRootRefs(sub);
  }
  return out;
}

function wrapSchema(schema: Schema): ToolSchema["input_schema"] {
  const { $schema: _dropped, $defs, definitions, ...inner } = schema;
  // Definitions stay at the root so that `#/$defs/...` references keep resolving.
  return {
    type: "object",
    properties: { output: moveRootRefs(inner) },
    required: ["output"],
    ...($defs === undefined ? {} : { $defs: moveRootRefs($defs) }),
    ...(definitions === undefined ? {} : { definitions: moveRootRefs(definitions) }),
  };
}

function describe(wrapped: boolean): string {
  const input = wrapped
    ? "Put the whole answer in the `output` field; it must match that field's schema."
    : "The input is the answer itself and must match this tool's schema.";
  return [
    "Delivers the final answer of this run as structured data; the caller reads only what is passed here.",
    `Call it exactly once, at the very end, after all other work is done. ${input}`,
    "If the call is rejected, the error lists each mismatch: fix those and call it again.",
    "Once it succeeds, end your turn without writing anything else.",
  ].join(" ");
}

/** The StructuredOutput tool for a schema from parseJsonSchemaOption; the last valid call's input is the value. */
export function createStructuredOutput(schema: Schema): StructuredOutput {
  const validator = compile(schema);
  const wrapped = !isObjectSchema(schema);
  let captured: { value: unknown } | undefined;
  const { $schema: _dropped, ...sendable } = schema;
  const tool: Tool<Record<string, unknown>> = {
    name: STRUCTURED_OUTPUT_TOOL,
    description: describe(wrapped),
    // Anything goes here: run validates against the user's schema and explains each mismatch.
    input: z.record(z.string(), z.unknown()),
    inputSchema: wrapped ? wrapSchema(schema) : { ...sendable, type: "object" },
    readOnly: true,
    async run(input) {
      if (wrapped && !Object.hasOwn(input, "output")) {
        throw new ToolError(`${STRUCTURED_OUTPUT_TOOL} needs an "output" field holding the whole answer. Call it again with the answer in "output".`);
      }
      const value = wrapped ? input.output : input;
      const result = validator.safeParse(value);
      if (!result.success) {
        const lines = issueLines(result.error.issues, value, wrapped ? ["output"] : []);
        const shown = lines.slice(0, MAX_LISTED_ISSUES);
        if (lines.length > shown.length) shown.push(`- ...and ${lines.length - shown.length} more`);
        throw new ToolError(
          `The output does not match the required schema; nothing was recorded:\n${shown.join("\n")}\nFix these and call ${STRUCTURED_OUTPUT_TOOL} again.`,
        );
      }
      // The input as the model gave it: zod's parse output would carry defaults the model never sent.
      captured = { value };
      return { content: "Structured output recorded. The task is complete: end your turn now without writing anything else." };
    },
  };
  return {
    tool,
    value: () => captured?.value,
    reminder: () =>
      `You ended your turn without delivering the final answer through the ${STRUCTURED_OUTPUT_TOOL} tool. ` +
      `Call ${STRUCTURED_OUTPUT_TOOL} now with your final answer as input matching its schema, instead of replying with text.`,
  };
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const key of path) {
    if (current === null || typeof current !== "object" || typeof key === "symbol") return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

function keyPath(path: readonly PropertyKey[]): KeyPath {
  return path.map((key) => (typeof key === "number" ? key : String(key)));
}

/** One line per failing path; `root` is the value the issue paths start from, `base` its place in the input. */
function issueLines(issues: readonly z.core.$ZodIssue[], root: unknown, base: KeyPath, rootLabel = "(root)"): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    const path = [...base, ...keyPath(issue.path)];
    const label = path.length === 0 ? rootLabel : formatKeyPath(path);
    const at = label === "" ? "- " : `- ${label}: `;
    const parent = valueAt(root, issue.path.slice(0, -1));
    const last = issue.path[issue.path.length - 1];
    if (issue.path.length > 0 && isPlain(parent) && typeof last !== "symbol" && !Object.hasOwn(parent, last as string)) {
      lines.push(`${at}required property is missing`);
      continue;
    }
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      lines.push(`${at}matches none of the allowed alternatives:`);
      const here = valueAt(root, issue.path);
      for (const [index, alternative] of issue.errors.entries()) {
        // Paths inside an alternative are shown relative to the value the union judged.
        const reasons = issueLines(alternative, here, [], "").map((line) => line.slice(2));
        lines.push(`  - alternative ${index + 1}: ${reasons.join("; ")}`);
      }
      continue;
    }
    lines.push(`${at}${issue.message}`);
  }
  return lines;
}
