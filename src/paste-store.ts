// Large pastes and images shown as short placeholders in the input box (`[Pasted text #1 +42 lines]`,
// `[Image #2]`); at submit time the placeholders still in the prompt are resolved. A placeholder the
// user deleted simply drops its paste.
import type { ImageContent } from "./tool.ts";
import type { PastedTexts } from "./input-history.ts";

export interface PasteStoreOptions {
  maxInlineChars?: number;
  maxInlineLines?: number;
}

export interface SubmittedPrompt {
  /** The prompt with pasted text expanded; image placeholders stay as `[Image #N]` labels. */
  text: string;
  /** Images whose placeholder is still in the prompt, in order of appearance. */
  images: ImageContent[];
  /** The pasted text behind each placeholder present, by number (for the history file). */
  pasted: PastedTexts;
}

export interface PasteStore {
  /** The text itself when small, else a placeholder for it. */
  accept(text: string): string;
  /** A placeholder for an image to send with the prompt. */
  addImage(image: ImageContent): string;
  /** Pasted-text placeholders replaced by their text. */
  expand(prompt: string): string;
  /** Everything the prompt refers to, resolved: call once when the prompt is sent (its pastes are then released). */
  submit(prompt: string): SubmittedPrompt;
  /** A recalled history entry with its pastes registered again under fresh numbers. */
  restore(prompt: string, pasted: PastedTexts | undefined): string;
  /** Forget every paste (e.g. after /clear). */
  clear(): void;
}

// `[Pasted text #3 +42 lines]`, `[Pasted text #3]`, `[Image #3]`: the number is what identifies it.
const PLACEHOLDER = /\[(Pasted text|Image) #(\d+)(?: \+\d+ lines)?\]/g;

function lineCount(text: string): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

export function pasteLabel(id: number, text: string): string {
  const extra = lineCount(text);
  return extra > 0 ? `[Pasted text #${id} +${extra} lines]` : `[Pasted text #${id}]`;
}

export function imageLabel(id: number): string {
  return `[Image #${id}]`;
}

export function createPasteStore(options: PasteStoreOptions = {}): PasteStore {
  const maxChars = options.maxInlineChars ?? 1000;
  const maxLines = options.maxInlineLines ?? 10;
  const texts = new Map<number, string>();
  const images = new Map<number, ImageContent>();
  let nextId = 1;

  const storeText = (text: string): string => {
    const id = nextId++;
    texts.set(id, text);
    return pasteLabel(id, text);
  };

  const expand = (prompt: string): string =>
    prompt.replace(PLACEHOLDER, (whole, kind: string, id: string) => (kind === "Pasted text" ? texts.get(Number(id)) : undefined) ?? whole);

  return {
    accept(raw) {
      // Terminals send pasted line breaks as CR; the model should see plain LF.
      const text = raw.replace(/\r\n?/g, "\n");
      if (text.length <= maxChars && lineCount(text) < maxLines) return text;
      return storeText(text);
    },
    addImage(image) {
      const id = nextId++;
      images.set(id, image);
      return imageLabel(id);
    },
    expand,
    submit(prompt) {
      const found: ImageContent[] = [];
      const pasted: Record<string, string> = {};
      for (const match of prompt.matchAll(PLACEHOLDER)) {
        const id = Number(match[2]);
        const image = match[1] === "Image" ? images.get(id) : undefined;
        if (image && !found.includes(image)) found.push(image);
        const text = match[1] === "Pasted text" ? texts.get(id) : undefined;
        if (text !== undefined) pasted[String(id)] = text;
      }
      const text = expand(prompt);
      // Sent pastes live on in the conversation and the history file; the store need not keep them.
      for (const match of prompt.matchAll(PLACEHOLDER)) (match[1] === "Image" ? images : texts).delete(Number(match[2]));
      return { text, images: found, pasted };
    },
    restore(prompt, pasted) {
      // Every placeholder gets a fresh number, so one whose content was not kept can never pick up a
      // paste of this session that happens to share its old number.
      return prompt.replace(PLACEHOLDER, (whole, kind: string, id: string) => {
        const text = kind === "Pasted text" ? pasted?.[id] : undefined;
        if (text !== undefined) return storeText(text);
        return whole.replace(`#${id}`, `#${nextId++}`);
      });
    },
    clear() {
      texts.clear();
      images.clear();
    },
  };
}
