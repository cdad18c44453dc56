import { describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../src/cli.ts";
import { createStructuredOutput, MAX_STRUCTURED_OUTPUT_RETRIES, parseJsonSchemaOption } from "../src/structured-output.ts";
import { toolSchema } from "../src/tool.ts";
import { harness } from "./support/tool-harness.ts";

const PERSON: Record<string, unknown> = {
  type: "object",
  properties: {
    name: { type: "string" },
    role: { enum: ["admin", "user"] },
    address: { type: "object", properties: { city: { type: "string" }, zip: { type: "string" } }, required: ["city"] },
  },
  required: ["name", "role"],
};

function usageError(text: string, cwd: string): string {
  try {
    parseJsonSchemaOption(text, cwd);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    const message = (error as Error).message;
    expect(message).toContain("--json-schema");
    return message;
  }
  throw new Error(`accepted: ${text}`);
}

describe("parseJsonSchemaOption", () => {
  test("reads inline JSON, with surrounding whitespace", () => {
    const h = harness();
    expect(parseJsonSchemaOption(`  ${JSON.stringify(PERSON)}\n`, h.dir)).toEqual(PERSON);
  });

  test("reads a file relative to cwd, and an absolute path", () => {
    const h = harness();
    mkdirSync(join(h.dir, "schemas"));
    writeFileSync(join(h.dir, "schemas", "person.json"), JSON.stringify(PERSON, null, 2));
    expect(parseJsonSchemaOption("schemas/person.json", h.dir)).toEqual(PERSON);
    expect(parseJsonSchemaOption(join(h.dir, "schemas", "person.json"), "/")).toEqual(PERSON);
  });

  test("bad inline JSON names the line and column", () => {
    const message = usageError('{"type":"object","properties":{"a":}', harness().dir);
    expect(message).toContain("invalid JSON at line 1, column 36");
  });

  test("bad JSON in a file names the file and the line", () => {
    const h = harness();
    writeFileSync(join(h.dir, "s.json"), '{\n  "type": "object",\n  "properties": {,}\n}');
    const message = usageError("s.json", h.dir);
    expect(message).toContain(join(h.dir, "s.json"));
    expect(message).toContain("line 3");
  });

  test("a missing file, a directory and an empty file are refused", () => {
    const h = harness();
    expect(usageError("nope.json", h.dir)).toContain(`no such file: ${join(h.dir, "nope.json")}`);
    mkdirSync(join(h.dir, "dir"));
    expect(usageError("dir", h.dir)).toContain("is a directory");
    writeFileSync(join(h.dir, "empty.json"), "  \n");
    expect(usageError("empty.json", h.dir)).toContain("is empty");
    expect(usageError("   ", h.dir)).toContain("needs a JSON Schema");
  });

  test("a schema that is not a JSON object is refused", () => {
    const h = harness();
    writeFileSync(join(h.dir, "list.json"), '[{"type":"string"}]');
    expect(usageError("list.json", h.dir)).toContain("must be a JSON object");
    writeFileSync(join(h.dir, "bool.json"), "true");
    expect(usageError("bool.json", h.dir)).toContain("must be a JSON object");
  });

  test("keywords of the wrong kind name their place", () => {
    const dir = harness().dir;
    expect(usageError('{"type":"object","required":"name"}', dir)).toContain("required must be an array of property names");
    expect(usageError('{"type":"object","properties":{"a":{"type":"object","properties":[]}}}', dir)).toContain(
      "properties.a.properties must be an object",
    );
    expect(usageError('{"anyOf":[]}', dir)).toContain("anyOf must be a non-empty array");
    expect(usageError('{"type":"array","items":5}', dir)).toContain("items must be a schema");
  });

  test("schemas zod cannot compile are refused with zod's reason", () => {
    const dir = harness().dir;
    expect(usageError('{"type":"objekt"}', dir)).toContain("Unsupported type: objekt");
    expect(usageError('{"type":"object","properties":{"a":{"$ref":"#/$defs/missing"}}}', dir)).toContain("Reference not found");
    expect(usageError('{"type":"object","if":{"required":["a"]},"then":{"required":["b"]}}', dir)).toContain("cannot be used");
    expect(usageError('{"type":"string","pattern":"(["}', dir)).toContain("cannot be used");
  });
});

describe("StructuredOutput tool", () => {
  test("an object schema is sent as is (without $schema), read-only, with input accepting anything", () => {
    const so = createStructuredOutput({ $schema: "https://json-schema.org/draft/2020-12/schema", ...PERSON });
    expect(so.tool.name).toBe("StructuredOutput");
    expect(so.tool.readOnly).toBe(true);
    expect(toolSchema(so.tool).input_schema).toEqual(PERSON as { type: "object" });
    expect(so.tool.input.safeParse({ anything: [1, 2] }).success).toBe(true);
    expect(so.tool.description).toContain("exactly once");
    expect(so.value()).toBeUndefined();
    expect(MAX_STRUCTURED_OUTPUT_RETRIES).toBe(5);
  });

  test("a valid call is recorded and tells the model to end its turn", async () => {
    const h = harness();
    const so = createStructuredOutput(PERSON);
    const value = { name: "Ada", role: "admin", address: { city: "London" }, extra: true };
    const r = await h.call(so.tool, value);
    expect(r.isError).toBeFalsy();
    expect(r.text).toContain("recorded");
    expect(r.text).toContain("end your turn");
    expect(so.value()).toEqual(value);
  });

  test("each failing path is listed: missing required, enum, nested object", async () => {
    const h = harness();
    const so = createStructuredOutput(PERSON);
    const r = await h.call(so.tool, { role: "root", address: { zip: 12 } });
    expect(r.isError).toBe(true);
    expect(r.text).toContain("- name: required property is missing");
    expect(r.text).toMatch(/- role: .*"admin"\|"user"/);
    expect(r.text).toContain("- address.city: required property is missing");
    expect(r.text).toMatch(/- address\.zip: .*expected string, received number/);
    expect(so.value()).toBeUndefined();
  });

  test("array items and union alternatives are explained", async () => {
    const h = harness();
    const so = createStructuredOutput({
      type: "object",
      properties: {
        items: { type: "array", items: { type: "object", properties: { n: { type: "integer" } }, required: ["n"] } },
        id: { anyOf: [{ type: "string" }, { type: "integer" }] },
      },
      additionalProperties: false,
    });
    const r = await h.call(so.tool, { items: [{ n: 1 }, {}, { n: 1.5 }], id: true, stray: 1 });
    expect(r.isError).toBe(true);
    expect(r.text).toContain("- items[1].n: required property is missing");
    expect(r.text).toMatch(/- items\[2\]\.n: .*expected int/);
    expect(r.text).toContain("- id: matches none of the allowed alternatives");
    expect(r.text).toMatch(/alternative 1: .*expected string, received boolean/);
    expect(r.text).toMatch(/alternative 2: .*expected number, received boolean/);
    expect(r.text).toMatch(/- \(root\): .*"stray"/);
  });

  test("the last valid call wins and an invalid call keeps the previous value", async () => {
    const h = harness();
    const so = createStructuredOutput(PERSON);
    expect((await h.call(so.tool, { name: "first", role: "user" })).isError).toBeFalsy();
    expect((await h.call(so.tool, { name: "second", role: "admin" })).isError).toBeFalsy();
    expect(so.value()).toEqual({ name: "second", role: "admin" });
    expect((await h.call(so.tool, { name: "third" })).isError).toBe(true);
    expect(so.value()).toEqual({ name: "second", role: "admin" });
  });

  test("the recorded value is the input as given, without schema defaults", async () => {
    const h = harness();
    const so = createStructuredOutput({ type: "object", properties: { mode: { type: "string", default: "fast" } } });
    await h.call(so.tool, {});
    expect(so.value()).toEqual({});
  });

  test("a non-object schema is wrapped in `output` and unwrapped on capture", async () => {
    const h = harness();
    const schema = parseJsonSchemaOption('{"type":"array","items":{"type":"string"}}', h.dir);
    const so = createStructuredOutput(schema);
    expect(toolSchema(so.tool).input_schema).toEqual({
      type: "object",
      properties: { output: { type: "array", items: { type: "string" } } },
      required: ["output"],
    });
    expect(so.tool.description).toContain("`output`");
    const bad = await h.call(so.tool, { output: ["a", 2] });
    expect(bad.isError).toBe(true);
    expect(bad.text).toMatch(/- output\[1\]: .*expected string/);
    const missing = await h.call(so.tool, { answer: ["a"] });
    expect(missing.isError).toBe(true);
    expect(missing.text).toContain('"output"');
    expect(so.value()).toBeUndefined();
    expect((await h.call(so.tool, { output: ["a", "b"] })).isError).toBeFalsy();
    expect(so.value()).toEqual(["a", "b"]);
  });

  test("a null answer is a captured value, distinct from none", async () => {
    const h = harness();
    const so = createStructuredOutput({ type: "null" });
    expect((await h.call(so.tool, { output: null })).isError).toBeFalsy();
    expect(so.value()).toBeNull();
  });

  test("top-level combinators are wrapped, keeping $defs at the root and moving root references", async () => {
    const h = harness();
    const union = createStructuredOutput({
      $defs: { tree: { type: "array", items: { $ref: "#" } } },
      anyOf: [{ type: "string" }, { $ref: "#/$defs/tree" }],
    });
    const sent = toolSchema(union.tool).input_schema;
    expect(sent.required).toEqual(["output"]);
    expect(sent.$defs).toEqual({ tree: { type: "array", items: { $ref: "#/properties/output" } } });
    expect(sent.properties).toEqual({ output: { anyOf: [{ type: "string" }, { $ref: "#/$defs/tree" }] } });
    expect((await h.call(union.tool, { output: ["x", []] })).isError).toBeFalsy();
    expect(union.value()).toEqual(["x", []]);
    expect((await h.call(union.tool, { output: 3 })).isError).toBe(true);
  });

  test("an untyped schema with properties is treated as an object schema", () => {
    const so = createStructuredOutput({ properties: { a: { type: "string" } }, required: ["a"] });
    expect(toolSchema(so.tool).input_schema).toEqual({ type: "object", properties: { a: { type: "string" } }, required: ["a"] });
  });

  test("the reminder asks for a StructuredOutput call", () => {
    const reminder = createStructuredOutput(PERSON).reminder();
    expect(reminder).toContain("StructuredOutput");
    expect(reminder).toContain("schema");
  });
});
