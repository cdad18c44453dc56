import { describe, expect, test } from "bun:test";
import { createPasteStore } from "../src/paste-store.ts";
import type { ImageContent } from "../src/tool.ts";

const image = (data: string): ImageContent => ({ type: "image", source: { type: "base64", media_type: "image/png", data } });
const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${i}`).join("\n");

describe("createPasteStore", () => {
  test("small pastes stay inline; long or many-line pastes become numbered placeholders", () => {
    const store = createPasteStore();
    expect(store.accept("short text")).toBe("short text");
    expect(store.accept(lines(10))).toBe(lines(10));
    expect(store.accept(lines(43))).toBe("[Pasted text #1 +42 lines]");
    expect(store.accept("y".repeat(1001))).toBe("[Pasted text #2]");
    expect(createPasteStore({ maxInlineChars: 5 }).accept("123456")).toBe("[Pasted text #1]");
    expect(createPasteStore({ maxInlineLines: 2 }).accept("a\nb")).toBe("a\nb");
    expect(createPasteStore({ maxInlineLines: 2 }).accept("a\nb\nc")).toBe("[Pasted text #1 +2 lines]");
  });

  test("CR line breaks from the terminal become LF", () => {
    const store = createPasteStore();
    expect(store.accept("a\r\nb\rc")).toBe("a\nb\nc");
  });

  test("expand puts the pasted text back where its placeholder is", () => {
    const store = createPasteStore();
    const big = lines(20);
    const placeholder = store.accept(big);
    expect(store.expand(`before ${placeholder} after`)).toBe(`before ${big} after`);
    // An unknown number or a look-alike stays as typed.
    expect(store.expand("[Pasted text #9 +3 lines] and [Pasted text]")).toBe("[Pasted text #9 +3 lines] and [Pasted text]");
  });

  test("submit resolves text and images still present; deleted placeholders drop their paste", () => {
    const store = createPasteStore();
    const first = store.accept(lines(30));
    const second = store.accept(lines(15));
    const shot = store.addImage(image("AAA"));
    const gone = store.addImage(image("BBB"));
    expect(shot).toBe("[Image #3]");
    expect(gone).toBe("[Image #4]");
    // The user deleted the first paste and the second image from the box.
    const result = store.submit(`see ${shot} and ${second}`);
    expect(result.text).toBe(`see [Image #3] and ${lines(15)}`);
    expect(result.images).toEqual([image("AAA")]);
    expect(result.pasted).toEqual({ "2": lines(15) });
    expect(first).toBe("[Pasted text #1 +29 lines]");
    // Sent pastes are released; unsent ones remain usable.
    expect(store.expand(second)).toBe(second);
    expect(store.expand(first)).toBe(lines(30));
  });

  test("restore re-registers a recalled prompt's pastes under fresh numbers", () => {
    const store = createPasteStore();
    const current = store.accept(lines(12)); // #1, in the user's draft
    const draftImage = store.addImage(image("CCC")); // #2
    // The old prompt's #1 was kept in the history; its #2 paste and image #3 were not.
    const recalled = store.restore("old [Pasted text #1 +2 lines], [Pasted text #2] and [Image #2]", { "1": "x\ny\nz" });
    expect(recalled).toBe("old [Pasted text #3 +2 lines], [Pasted text #4] and [Image #5]");
    const sent = store.submit(recalled);
    expect(sent.text).toBe("old x\ny\nz, [Pasted text #4] and [Image #5]");
    expect(sent.images).toEqual([]);
    expect(store.expand(current)).toBe(lines(12));
    expect(store.submit(draftImage).images).toEqual([image("CCC")]);
    expect(store.restore("no pastes", undefined)).toBe("no pastes");
  });

  test("clear forgets everything", () => {
    const store = createPasteStore();
    const p = store.accept(lines(40));
    store.clear();
    expect(store.expand(p)).toBe(p);
  });
});
