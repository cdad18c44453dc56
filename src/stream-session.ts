// `hone -p --input-format stream-json --output-format stream-json --verbose`: the Agent SDK transport.
// stdin carries NDJSON user messages (queued, one turn and one `result` each) and control messages;
// stdout carries the protocol. The process ends when stdin closes and the queued turns are done.
import { createConversation, initMessage, type Conversation, type ConversationOptions } from "./conversation.ts";
import type { ControlChannel } from "./control.ts";
import { handleControlRequest, type ControlContext } from "./control-requests.ts";
import { EXIT } from "./exit-codes.ts";
import type { UserBlock } from "./messages.ts";
import type { PreparedRun } from "./prepare-run.ts";
import * as wire from "./stream-json.ts";
import { isPlain } from "./settings-parse.ts";

export interface TurnSlot {
  /** The running turn's controller, for interrupts and for withdrawing its permission asks. */
  current?: AbortController;
}

export interface StreamSessionOptions {
  prepared: PreparedRun;
  channel: ControlChannel;
  slot: TurnSlot;
  /** Conversation settings besides setup/session/hooks/emit (partial messages, budget, expansion...). */
  conversation: Omit<ConversationOptions, "setup" | "session" | "hooks" | "emit">;
  lines: AsyncIterable<string>;
  write: (message: wire.Json) => void;
  writeErr: (text: string) => void;
  replayUserMessages: boolean;
  /** --allow-dangerously-skip-permissions or a bypass start: set_permission_mode may choose bypassPermissions. */
  allowBypass: boolean;
  inventory?: Parameters<typeof initMessage>[2];
  /** SIGINT/SIGTERM: stop the running turn and read no more. */
  signal: AbortSignal;
  interruptedBy: () => "SIGINT" | "SIGTERM" | undefined;
}

interface QueuedTurn {
  content: string | UserBlock[];
  uuid?: string;
}

type Parsed = { kind: "turn"; turn: QueuedTurn; query: boolean } | { kind: "skip"; why?: string };

const BLOCK_TYPES: ReadonlySet<string> = new Set(["text", "image", "document"]);

/** A `user` line: its content must be a string or content blocks; everything else on it is ignored. */
function parseUser(message: wire.Json): Parsed {
  const inner = message.message;
  if (!isPlain(inner)) return { kind: "skip", why: 'a user message needs "message": {"role": "user", "content": ...}' };
  if (inner.role !== undefined && inner.role !== "user") return { kind: "skip", why: `message.role must be "user", got ${JSON.stringify(inner.role)}` };
  const content = inner.content;
  if (typeof content === "string") return turnOf(message, content);
  if (!Array.isArray(content)) return { kind: "skip", why: "message.content must be a string or an array of content blocks" };
  const blocks: wire.Json[] = [];
  for (const [i, block] of content.entries()) {
    if (!isPlain(block) || typeof block.type !== "string") return { kind: "skip", why: `message.content[${i}] is not a content block` };
    if (!BLOCK_TYPES.has(block.type)) return { kind: "skip", why: `message.content[${i}] has type "${block.type}"; user messages take text, image and document blocks` };
    if (block.type === "text" && typeof block.text !== "string") return { kind: "skip", why: `message.content[${i}].text must be a string` };
    if (block.type !== "text" && !isPlain(block.source)) return { kind: "skip", why: `message.content[${i}].source must be an object` };
    blocks.push(knownFields(block));
  }
  return turnOf(message, blocks as unknown as UserBlock[]);
}

const BLOCK_FIELDS: Record<string, readonly string[]> = { text: ["text"], image: ["source"], document: ["source", "title", "context", "citations"] };

/** Only the fields the API knows: it refuses a block with any other (and unknown input fields are ignored). */
function knownFields(block: wire.Json): wire.Json {
  const kept: wire.Json = { type: block.type };
  for (const key of BLOCK_FIELDS[String(block.type)] ?? []) if (block[key] !== undefined) kept[key] = block[key];
  return kept;
}

function turnOf(message: wire.Json, content: string | UserBlock[]): Parsed {
  return { kind: "turn", turn: { content, ...(typeof message.uuid === "string" ? { uuid: message.uuid } : {}) }, query: message.shouldQuery !== false };
}

export async function runStreamSession(options: StreamSessionOptions): Promise<number> {
  const { prepared, channel, slot, write } = options;
  const queue: QueuedTurn[] = [];
  let inputDone = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const conversationOptions: ConversationOptions = {
    ...options.conversation,
    setup: prepared.setup,
    session: prepared.session,
    ...(prepared.hooks ? { hooks: prepared.hooks } : {}),
    emit: write,
  };
  const conversation: Conversation = createConversation(conversationOptions);
  const context: ControlContext = {
    prepared,
    conversation,
    conversationOptions,
    slot,
    channel,
    allowBypass: options.allowBypass,
    initialModel: prepared.setup.agent.model,
    inventory: options.inventory,
    warn: (text) => options.writeErr(`hone: ${text}`),
  };

  const read = async (): Promise<void> => {
    let lineNumber = 0;
    for await (const line of options.lines) {
      lineNumber++;
      if (options.signal.aborted) break;
      if (line.trim() === "") continue;
      let message: unknown;
      try {
        message = JSON.parse(line);
      } catch (error) {
        options.writeErr(`hone: stdin line ${lineNumber} is not JSON (${(error as Error).message}); skipped`);
        continue;
      }
      if (!isPlain(message) || typeof message.type !== "string") {
        options.writeErr(`hone: stdin line ${lineNumber} has no "type"; skipped`);
        continue;
      }
      if (message.type === "control_response") {
        channel.receive(message);
      } else if (message.type === "control_request") {
        const id = typeof message.request_id === "string" ? message.request_id : "";
        write(await handleControlRequest(id, message.request, context));
      } else if (message.type === "user") {
        const parsed = parseUser(message);
        if (parsed.kind === "skip") options.writeErr(`hone: stdin line ${lineNumber}: ${parsed.why}; skipped`);
        else if (parsed.query) queue.push(parsed.turn);
        else conversation.append(parsed.turn.content);
        notify();
      } else if (message.type !== "keep_alive" && message.type !== "control_cancel_request") {
        options.writeErr(`hone: stdin line ${lineNumber}: unknown message type "${message.type}"; skipped`);
      }
    }
    inputDone = true;
    // No answer can arrive any more: asks still waiting (a can_use_tool mid-turn) are denied now.
    channel.close("stdin was closed");
    notify();
  };

  const nextTurn = async (): Promise<QueuedTurn | undefined> => {
    while (queue.length === 0 && !inputDone && !options.signal.aborted) await new Promise<void>((resolve) => (wake = resolve));
    return options.signal.aborted ? undefined : queue.shift();
  };

  const onSignal = () => {
    slot.current?.abort();
    notify();
  };
  options.signal.addEventListener("abort", onSignal, { once: true });
  const reading = read().catch((error: unknown) => {
    options.writeErr(`hone: reading stdin failed: ${error instanceof Error ? error.message : String(error)}`);
    inputDone = true;
    channel.close("stdin failed");
    notify();
  });
  let initSent = false;
  try {
    for (let turn = await nextTurn(); turn; turn = await nextTurn()) {
      if (!initSent) write(initMessage(prepared.setup, conversation.env, options.inventory));
      initSent = true;
      if (options.replayUserMessages) write(wire.replayMessage(conversation.env, turn.content, turn.uuid));
      const controller = new AbortController();
      slot.current = controller;
      const done = await conversation.turn(turn.content, controller.signal);
      slot.current = undefined;
      write(done.result);
    }
  } finally {
    options.signal.removeEventListener("abort", onSignal);
    channel.close("stdin was closed");
    await conversation.end();
  }
  if (options.signal.aborted) return options.interruptedBy() === "SIGINT" ? EXIT.sigint : EXIT.sigterm;
  // Reading ends with stdin; a host that keeps it open after the last result is waited for.
  await reading;
  // Each turn's outcome is in its result; like Claude Code, the process itself succeeded (a non-zero
  // exit would make the SDKs throw away the results they already read).
  return EXIT.ok;
}
