// Turns the text a terminal sends on stdin into keys. Input arrives in arbitrary chunks (a sequence may
// be split anywhere, a paste spans many reads), so the decoder keeps the unfinished tail and waits for
// the rest; a lone Esc is only the Escape key once nothing has followed it for a short while.
import { stripAnsi } from "./ansi-text.ts";
import { charKey, parseEscape } from "./key-sequences.ts";

/**
 * One keypress. `name` is "text" for typed characters (several at once when they arrive together),
 * "paste" for a bracketed paste (both with `text`), a lowercase letter for Ctrl/Alt+letter, or a key
 * name: return, tab, backspace, escape, space, up, down, left, right, home, end, pageup, pagedown,
 * delete, insert, f1..f12.
 */
export type Key = { name: string; text?: string; ctrl?: boolean; meta?: boolean; shift?: boolean };

/** Starts a timer and returns the function that cancels it. */
export type SetTimer = (callback: () => void, ms: number) => () => void;

export type KeyDecoderOptions = { escapeTimeoutMs?: number; setTimer?: SetTimer };

export type KeyDecoder = {
  /** Decodes a chunk of terminal input (already decoded from UTF-8). */
  feed(chunk: string): void;
  /** Takes whatever is buffered as final: a pending Esc becomes Escape, an open paste is delivered. */
  flush(): void;
};

const PASTE_END = "\x1b[201~";

const defaultSetTimer: SetTimer = (callback, ms) => {
  const timer = setTimeout(callback, ms);
  return () => clearTimeout(timer);
};

// Characters typed as they are: everything but C0/C1 controls and DEL.
function isPlain(code: number): boolean {
  return code >= 0x20 && code !== 0x7f && (code < 0x80 || code >= 0xa0);
}

/** Pasted text as the prompt should hold it: newlines as \n, no escape codes or control characters. */
export function cleanPaste(text: string): string {
  return stripAnsi(text.replace(/\r\n?/g, "\n")).replace(/[\x00-\x08\x0b-\x1f\x7f]/g, "");
}

// How many characters at the end of buf[from..] could be the start of the paste end marker.
function partialEndMarker(buf: string, from: number): number {
  for (let keep = Math.min(PASTE_END.length - 1, buf.length - from); keep > 0; keep -= 1) {
    if (PASTE_END.startsWith(buf.slice(buf.length - keep))) return keep;
  }
  return 0;
}

export function createKeyDecoder(onKey: (key: Key) => void, options: KeyDecoderOptions = {}): KeyDecoder {
  const timeoutMs = options.escapeTimeoutMs ?? 30;
  const setTimer = options.setTimer ?? defaultSetTimer;
  let pending = "";
  let paste: string[] | undefined;
  let cancelTimer: (() => void) | undefined;

  function endPaste(parts: string[]): void {
    paste = undefined;
    onKey({ name: "paste", text: cleanPaste(parts.join("")) });
  }

  // Consumes paste text from buf[start..]; returns where normal decoding resumes, or -1 when the
  // paste is still open (its tail, which may be half an end marker, is kept in `pending`).
  function scanPaste(parts: string[], buf: string, start: number, final: boolean): number {
    const end = buf.indexOf(PASTE_END, start);
    if (end >= 0) {
      parts.push(buf.slice(start, end));
      endPaste(parts);
      return end + PASTE_END.length;
    }
    if (final) {
      parts.push(buf.slice(start));
      endPaste(parts);
      return -1;
    }
    const keep = partialEndMarker(buf, start);
    parts.push(buf.slice(start, buf.length - keep));
    pending = buf.slice(buf.length - keep);
    return -1;
  }

  function decode(final: boolean): void {
    const buf = pending;
    pending = "";
    let at = 0;
    while (at < buf.length) {
      if (paste) {
        at = scanPaste(paste, buf, at, final);
        if (at < 0) return;
        continue;
      }
      const code = buf.charCodeAt(at);
      if (code === 0x1b) {
        const step = parseEscape(buf, at, final);
        if (!step) {
          pending = buf.slice(at);
          return;
        }
        for (const key of step.keys) onKey(key);
        if (step.startPaste) paste = [];
        at = step.next;
        continue;
      }
      if (isPlain(code)) {
        let end = at + 1;
        while (end < buf.length && isPlain(buf.charCodeAt(end))) end += 1;
        onKey({ name: "text", text: buf.slice(at, end) });
        at = end;
        continue;
      }
      const key = charKey(buf.charAt(at));
      if (key) onKey(key);
      at += 1;
    }
    // A paste that opened at the very end of the buffer and a final flush: deliver it (empty).
    if (final && paste) endPaste(paste);
  }

  function stopTimer(): void {
    cancelTimer?.();
    cancelTimer = undefined;
  }

  function flush(): void {
    stopTimer();
    decode(true);
  }

  return {
    feed(chunk: string): void {
      stopTimer();
      pending += chunk;
      decode(false);
      // Only an unfinished escape sequence waits on the clock; an open paste waits for its end marker.
      if (pending !== "" && !paste) {
        cancelTimer = setTimer(() => {
          cancelTimer = undefined;
          decode(true);
        }, timeoutMs);
      }
    },
    flush,
  };
}
