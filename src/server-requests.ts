// The JSON bodies `hone serve` accepts, checked strictly: a wrong type or an unknown field is a 400
// that names it, so a client's typo never passes silently.
import { z } from "zod";
import type { UserBlock } from "./messages.ts";
import { badRequest } from "./server.ts";

export const createSessionBody = z.strictObject({
  cwd: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  permission_mode: z.string().min(1).optional(),
  allowed_tools: z.array(z.string().min(1)).optional(),
  disallowed_tools: z.array(z.string().min(1)).optional(),
  resume: z.string().min(1).optional(),
  include_partial_messages: z.boolean().optional(),
});
export type CreateSessionBody = z.infer<typeof createSessionBody>;

const textBlock = z.object({ type: z.literal("text"), text: z.string() });
const imageBlock = z.object({
  type: z.literal("image"),
  source: z.object({ type: z.literal("base64"), media_type: z.enum(["image/png", "image/jpeg", "image/gif", "image/webp"]), data: z.string().min(1) }),
});
const block = z.discriminatedUnion("type", [textBlock, imageBlock]);

export const messageBody = z.strictObject({
  content: z.union([z.string().refine((s) => s.trim() !== "", "must not be empty"), z.array(block).min(1)], {
    error: "must be a non-empty string or a non-empty array of text and image blocks",
  }),
  stream: z.boolean().optional(),
});
export type MessageBody = z.infer<typeof messageBody> & { content: string | UserBlock[] };

/** The same two shapes as the Agent SDK's replies to can_use_tool. */
export const permissionBody = z.discriminatedUnion("behavior", [
  z.strictObject({ behavior: z.literal("allow"), updatedInput: z.record(z.string(), z.unknown()).optional() }),
  z.strictObject({ behavior: z.literal("deny"), message: z.string().optional() }),
]);
export type PermissionBody = z.infer<typeof permissionBody>;

function describe(issue: z.core.$ZodIssue): string {
  const where = issue.path.length > 0 ? issue.path.map(String).join(".") : "body";
  if (issue.code === "unrecognized_keys") return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}${issue.path.length > 0 ? ` in ${where}` : ""}`;
  return `${where}: ${issue.message}`;
}

/** Validates a request body; an absent body reads as `{}` when `emptyOk`. */
export function parseBody<T>(schema: z.ZodType<T>, value: unknown, emptyOk = false): T {
  const input = value === undefined && emptyOk ? {} : value;
  if (typeof input !== "object" || input === null || Array.isArray(input)) throw badRequest("the request body must be a JSON object");
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw badRequest(parsed.error.issues.map(describe).join("; "));
}
