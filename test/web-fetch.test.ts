import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { SmallModelOptions } from "../src/session-state.ts";
import { createWebFetchTool, type WebFetchOptions } from "../src/tools/web-fetch.ts";
import { PageCache } from "../src/web-cache.ts";
import type { FetchedPage } from "../src/web-page.ts";
import { isLoopbackHost, parseFetchUrl, redirectVerdict } from "../src/web-url.ts";
import { harness, type Harness } from "./support/tool-harness.ts";
import { PNG_BYTES, startWebServer, type WebServer } from "./support/web-server.ts";

let server: WebServer;
beforeAll(() => {
  server = startWebServer({ largeBytes: 1024 * 1024 });
});
afterAll(async () => {
  await server.stop();
});

interface ModelCall {
  prompt: string;
  options: SmallModelOptions | undefined;
}

/** A harness whose small model (the one thing faked) records what it was asked and answers a fixed text. */
function withModel(answer = "The answer from the page."): { h: Harness; calls: ModelCall[] } {
  const h = harness();
  const calls: ModelCall[] = [];
  h.state.smallModel = async (prompt, options) => {
    calls.push({ prompt, options });
    return answer;
  };
  return { h, calls };
}

function tool(options: WebFetchOptions = {}) {
  return createWebFetchTool(options);
}

describe("URL rules", () => {
  test("http is upgraded to https for public hosts, not for loopback", () => {
    expect(parseFetchUrl("http://example.com/docs?x=1").href).toBe("https://example.com/docs?x=1");
    expect(parseFetchUrl("https://example.com/").href).toBe("https://example.com/");
    expect(parseFetchUrl("http://localhost:3000/").href).toBe("http://localhost:3000/");
    expect(parseFetchUrl("http://app.localhost/").protocol).toBe("http:");
    expect(parseFetchUrl("http://127.0.0.5:8080/").protocol).toBe("http:");
    expect(parseFetchUrl("http://[::1]:8080/").protocol).toBe("http:");
    expect(isLoopbackHost("localhost.example.com")).toBe(false);
    expect(isLoopbackHost("128.0.0.1")).toBe(false);
  });

  test("non-web and malformed URLs are refused with a clear message", () => {
    expect(() => parseFetchUrl("ftp://example.com/file")).toThrow("Only http and https URLs can be fetched, not ftp");
    expect(() => parseFetchUrl("file:///etc/passwd")).toThrow("not file");
    expect(() => parseFetchUrl("example.com/page")).toThrow("Invalid URL");
    expect(() => parseFetchUrl("https://user:pw@example.com/")).toThrow("credentials");
  });

  test("redirects: same host (www ignored) followed, other hosts, ports and downgrades reported", () => {
    const u = (s: string) => new URL(s);
    expect(redirectVerdict(u("https://example.com/a"), u("https://www.example.com/b"))).toBe("follow");
    expect(redirectVerdict(u("https://www.example.com/a"), u("https://example.com/b"))).toBe("follow");
    expect(redirectVerdict(u("http://localhost:3000/a"), u("https://localhost:3000/b"))).toBe("follow");
    expect(redirectVerdict(u("https://example.com/a"), u("https://docs.example.com/b"))).toBe("cross-host");
    expect(redirectVerdict(u("http://localhost:3000/a"), u("http://localhost:4000/a"))).toBe("cross-host");
    expect(redirectVerdict(u("https://example.com/a"), u("http://example.com/a"))).toBe("downgrade");
    expect(redirectVerdict(u("https://example.com/a"), u("mailto:x@example.com"))).toBe("unsupported");
  });
});

describe("WebFetch against a local server", () => {
  test("an HTML article becomes markdown that reaches the small model with the prompt", async () => {
    const { h, calls } = withModel("GC pauses: measure the allocation rate first.");
    const r = await h.call(tool(), { url: `${server.url}/article`, prompt: "What should I measure first?" });
    expect(r.isError).toBeUndefined();
    expect(calls).toHaveLength(1);
    const asked = calls[0]?.prompt ?? "";
    expect(asked).toContain("What should I measure first?");
    expect(asked).toContain("# Tuning the Garbage Collector");
    expect(asked).toContain("## Measure first");
    expect(asked).toContain(`[trace guide](${server.url}/docs/gc-trace)`);
    expect(asked).toContain("**allocation rate**");
    expect(asked).toContain("- Record a baseline\n- Change one setting");
    expect(asked).toContain("GODEBUG=gctrace=1 ./server");
    for (const dropped of ["secret-script-text", "dataLayer", "font-family", "chart-label-in-svg", "Enable JavaScript", "ads.example.net"]) {
      expect(asked).not.toContain(dropped);
    }
    expect(calls[0]?.options?.system).toContain("does not contain");
    expect(calls[0]?.options?.signal).toBeInstanceOf(AbortSignal);
    expect(r.text).toContain(`URL: ${server.url}/article`);
    expect(r.text).toContain("Status: 200");
    expect(r.text).toContain("text/html");
    expect(r.text).toContain("GC pauses: measure the allocation rate first.");
    expect(server.lastHeaders?.get("user-agent")).toMatch(/^hone\//);
    expect(server.lastHeaders?.get("accept")).toBe("text/html, text/markdown;q=0.9, */*;q=0.8");
  });

  test("a same-host redirect chain is followed to the page", async () => {
    const { h, calls } = withModel();
    const before = server.hits.get("/article") ?? 0;
    const r = await h.call(tool(), { url: `${server.url}/old`, prompt: "summary" });
    expect(r.isError).toBeUndefined();
    expect(server.hits.get("/moved")).toBeGreaterThanOrEqual(1);
    expect(server.hits.get("/article")).toBe(before + 1);
    expect(r.text).toContain(`URL: ${server.url}/article`);
    expect(r.text).toContain(`Redirected from: ${server.url}/old`);
    expect(calls[0]?.prompt).toContain("Tuning the Garbage Collector");
  });

  test("a redirect to another host is reported, not followed", async () => {
    const { h, calls } = withModel();
    const before = server.hits.get("/article") ?? 0;
    const r = await h.call(tool(), { url: `${server.url}/away`, prompt: "summary" });
    expect(r.isError).toBeUndefined();
    expect(r.text).toContain(`Original URL: ${server.url}/away`);
    expect(r.text).toContain(`Redirect target: http://localhost:${server.port}/article`);
    expect(r.text).toContain("Status: 302");
    expect(r.text).toContain("call WebFetch again");
    expect(server.hits.get("/article") ?? 0).toBe(before);
    expect(calls).toHaveLength(0);
  });

  test("a redirect loop ends with an error", async () => {
    const { h } = withModel();
    const r = await h.call(tool({ limits: { maxRedirects: 3 } }), { url: `${server.url}/loop`, prompt: "x" });
    expect(r.isError).toBe(true);
    expect(r.text).toContain("Too many redirects");
  });

  test("a large page is cut at the download cap and the model's copy is truncated with a note", async () => {
    const { h, calls } = withModel();
    const r = await h.call(tool({ limits: { maxBytes: 256 * 1024 } }), { url: `${server.url}/large`, prompt: "what is this?" });
    expect(r.isError).toBeUndefined();
    expect(r.text).toContain("Size: 256 KB");
    expect(r.text).toContain("cut at the 256 KB download cap");
    const asked = calls[0]?.prompt ?? "";
    expect(asked).toContain("# Large page");
    expect(asked).toContain("[Page truncated: showing the first");
    expect(asked).not.toContain("THE-VERY-END");
    expect(asked.length).toBeLessThan(101_000 + 500);
  });

  test("binary content is not given to the model: type and size are reported", async () => {
    const { h, calls } = withModel();
    const r = await h.call(tool(), { url: `${server.url}/image.png`, prompt: "describe" });
    expect(r.isError).toBeUndefined();
    expect(calls).toHaveLength(0);
    expect(r.text).toContain("image/png");
    expect(r.text).toContain(`${PNG_BYTES.byteLength} bytes`);
    expect(r.text).toContain("binary");
  });

  test("a server that does not answer in time, or stalls mid-body, hits the time cap", async () => {
    const { h, calls } = withModel();
    const slow = await h.call(tool({ limits: { timeoutMs: 200 } }), { url: `${server.url}/slow`, prompt: "x" });
    expect(slow.isError).toBe(true);
    expect(slow.text).toContain("took longer than 200 ms");
    const stalled = await h.call(tool({ limits: { timeoutMs: 200 } }), { url: `${server.url}/slow-body`, prompt: "x" });
    expect(stalled.isError).toBe(true);
    expect(stalled.text).toContain("took longer than 200 ms");
    expect(calls).toHaveLength(0);
  }, 30_000);

  test("the user's interrupt stops a fetch", async () => {
    const { h } = withModel();
    const controller = new AbortController();
    const before = server.hits.get("/slow") ?? 0;
    const pending = h.call(tool(), { url: `${server.url}/slow`, prompt: "x" }, controller.signal);
    while ((server.hits.get("/slow") ?? 0) === before) await Bun.sleep(5);
    controller.abort();
    const r = await pending;
    expect(r.isError).toBe(true);
    expect(r.text).toContain("Interrupted");
  }, 30_000);

  test("an HTTP error names the status", async () => {
    const { h, calls } = withModel();
    const r = await h.call(tool(), { url: `${server.url}/no-such-page`, prompt: "x" });
    expect(r.isError).toBe(true);
    expect(r.text).toContain("HTTP 404 Not Found");
    expect(r.text).toContain(`${server.url}/no-such-page`);
    expect(calls).toHaveLength(0);
  });

  test("a page in ISO-8859-1 is decoded with its charset", async () => {
    const { h, calls } = withModel();
    await h.call(tool(), { url: `${server.url}/latin1`, prompt: "menu?" });
    expect(calls[0]?.prompt).toContain("Café crème à la carte");
  });

  test("plain text and JSON are passed as text, not parsed as HTML", async () => {
    const { h, calls } = withModel();
    await h.call(tool(), { url: `${server.url}/notes.txt`, prompt: "x" });
    await h.call(tool(), { url: `${server.url}/data.json`, prompt: "x" });
    expect(calls[0]?.prompt).toContain("<b>not html</b>");
    expect(calls[1]?.prompt).toContain('"tools":["WebFetch","WebSearch"]');
  });

  test("without a small model the page markdown itself comes back with a note", async () => {
    const h = harness();
    const r = await h.call(tool(), { url: `${server.url}/article`, prompt: "x" });
    expect(r.isError).toBeUndefined();
    expect(r.text).toContain("No small model is configured");
    expect(r.text).toContain("## Measure first");
    expect(r.text).not.toContain("secret-script-text");
  });

  test("invalid input is a clear tool error", async () => {
    const { h } = withModel();
    const r = await h.call(tool(), { url: "ftp://example.com/x", prompt: "x" });
    expect(r.isError).toBe(true);
    expect(r.text).toContain("Only http and https URLs");
  });
});

describe("the 15-minute cache", () => {
  test("a second fetch within 15 minutes is served from the cache; after that the page is fetched again", async () => {
    let now = 1_000_000;
    const cache = new PageCache({ now: () => now });
    const fetchTool = tool({ cache });
    const { h, calls } = withModel();
    const url = `${server.url}/article?cache-test`;
    const before = server.hits.get("/article") ?? 0;
    await h.call(fetchTool, { url, prompt: "first question" });
    expect(server.hits.get("/article")).toBe(before + 1);
    now += 14 * 60_000;
    const again = await h.call(fetchTool, { url, prompt: "second question" });
    expect(server.hits.get("/article")).toBe(before + 1);
    expect(again.text).toContain("From cache: fetched 14 min ago");
    expect(calls[1]?.prompt).toContain("second question");
    expect(calls[1]?.prompt).toContain("## Measure first");
    now += 60_000;
    const later = await h.call(fetchTool, { url, prompt: "third question" });
    expect(server.hits.get("/article")).toBe(before + 2);
    expect(later.text).not.toContain("From cache");
  });

  test("the cache drops the oldest pages past its size bound", () => {
    const page = (url: string, size: number): FetchedPage => ({
      kind: "page",
      requestedUrl: url,
      url,
      status: 200,
      statusText: "OK",
      mime: "text/plain",
      content: "text",
      bytes: size,
      cut: false,
      text: "x".repeat(size),
    });
    const cache = new PageCache({ maxChars: 3000, now: () => 0 });
    cache.set("a", page("a", 1000));
    cache.set("b", page("b", 1000));
    expect(cache.size).toBe(2);
    cache.set("c", page("c", 1000));
    expect(cache.get("a")).toBeUndefined();
    expect(cache.get("b")?.page.url).toBe("b");
    expect(cache.get("c")?.page.url).toBe("c");
    cache.set("huge", page("huge", 10_000));
    expect(cache.get("huge")).toBeUndefined();
    expect(cache.size).toBe(2);
  });
});
