// A local web server for the WebFetch and WebSearch tests: a real-looking article, redirect chains on the
// same host and to another host, a large page, a PNG, a slow response, a 404, a Latin-1 page and a
// SearXNG-shaped JSON search endpoint. It counts requests per path so tests can see cache hits.

export interface WebServer {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  /** Requests seen, by path. */
  hits: Map<string, number>;
  /** Query strings the search endpoint received. */
  searches: URLSearchParams[];
  /** Headers of the last request. */
  lastHeaders?: Headers;
  stop(): Promise<void>;
}

export const ARTICLE_HTML = `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Tuning the Garbage Collector | Example Engineering Blog</title>
  <style>body { font-family: sans-serif; } .nav { display: flex; }</style>
  <script>window.dataLayer = window.dataLayer || []; function track() { dataLayer.push(arguments); } track("pageview");</script>
</head>
<body>
  <nav class="nav"><a href="/">Home</a> <a href="/blog">Blog</a> <a href="/about">About</a></nav>
  <main>
    <article>
      <h1>Tuning the Garbage Collector</h1>
      <p class="byline">By Ada Example, 3 March 2025</p>
      <p>Most services never need to touch the collector. When pauses do show up, start by measuring
      the <strong>allocation rate</strong> rather than changing flags.</p>
      <h2>Measure first</h2>
      <p>The <a href="/docs/gc-trace">trace guide</a> explains how to record a heap profile.</p>
      <ul><li>Record a baseline</li><li>Change one setting</li><li>Compare</li></ul>
      <pre><code class="language-sh">GODEBUG=gctrace=1 ./server</code></pre>
      <svg width="10" height="10"><text>chart-label-in-svg</text></svg>
      <noscript>Enable JavaScript to see comments.</noscript>
      <iframe src="https://ads.example.net/frame"></iframe>
    </article>
  </main>
  <footer><p>&copy; 2025 Example Inc.</p></footer>
  <script src="/static/app.js"></script>
  <script>document.querySelector(".nav").dataset.ready = "secret-script-text";</script>
</body>
</html>`;

/** 1x1 transparent PNG. */
export const PNG_BYTES = Uint8Array.from(
  atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="),
  (c) => c.charCodeAt(0),
);

/** "Café crème à la carte" in ISO-8859-1 bytes inside an HTML page. */
function latin1Page(): Uint8Array<ArrayBuffer> {
  const html = "<html><body><h1>Menu</h1><p>Café crème à la carte</p></body></html>";
  // Every character here is below U+0100, so its code is its Latin-1 byte.
  return Uint8Array.from(html, (c) => c.charCodeAt(0));
}

const LARGE_PARAGRAPH = "<p>" + "All work and no play makes a very long page. ".repeat(40) + "</p>\n";

function largePage(bytes: number): string {
  const count = Math.ceil(bytes / LARGE_PARAGRAPH.length);
  return `<!DOCTYPE html><html><body><h1>Large page</h1>\n${LARGE_PARAGRAPH.repeat(count)}<p>THE-VERY-END</p></body></html>`;
}

export const SEARCH_RESULTS = [
  { title: "Bun.serve docs", url: "https://bun.sh/docs/api/http", content: "Start an HTTP server with Bun.serve.", publishedDate: "2025-01-02" },
  { title: "Node http module", url: "https://nodejs.org/api/http.html", content: "The HTTP interfaces in Node.js." },
  { title: "Deno serve", url: "https://docs.deno.com/runtime/fundamentals/http_server/", content: "Deno.serve\nstarts a server." },
  { title: "A blog post", url: "https://www.example-blog.com/servers", content: "My thoughts on servers." },
];

export function startWebServer(options: { largeBytes?: number } = {}): WebServer {
  const hits = new Map<string, number>();
  const searches: URLSearchParams[] = [];
  const state: { lastHeaders?: Headers } = {};
  const largeHtml = largePage(options.largeBytes ?? 2 * 1024 * 1024);
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0,
    async fetch(req): Promise<Response> {
      const url = new URL(req.url);
      const path = url.pathname;
      hits.set(path, (hits.get(path) ?? 0) + 1);
      state.lastHeaders = req.headers;
      const html = (body: string, status = 200) => new Response(body, { status, headers: { "Content-Type": "text/html; charset=utf-8" } });
      switch (path) {
        case "/article":
          return html(ARTICLE_HTML);
        case "/old":
          return new Response(null, { status: 301, headers: { Location: "/moved" } });
        case "/moved":
          return new Response(null, { status: 302, headers: { Location: `http://127.0.0.1:${server.port}/article` } });
        case "/away":
          return new Response(null, { status: 302, headers: { Location: `http://localhost:${server.port}/article` } });
        case "/loop":
          return new Response(null, { status: 307, headers: { Location: "/loop" } });
        case "/large":
          return html(largeHtml);
        case "/image.png":
          return new Response(PNG_BYTES, { headers: { "Content-Type": "image/png" } });
        case "/slow":
          await Bun.sleep(60_000);
          return html("<p>too late</p>");
        case "/slow-body": {
          // Headers and a first chunk at once, then nothing: the time cap must cover the body too.
          const stream = new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(new TextEncoder().encode("<html><body><p>first part"));
            },
          });
          return new Response(stream, { headers: { "Content-Type": "text/html" } });
        }
        case "/latin1":
          return new Response(latin1Page(), { headers: { "Content-Type": "text/html; charset=ISO-8859-1" } });
        case "/notes.txt":
          return new Response("plain notes\n<b>not html</b>\n", { headers: { "Content-Type": "text/plain; charset=utf-8" } });
        case "/data.json":
          return Response.json({ name: "hone", tools: ["WebFetch", "WebSearch"] });
        case "/search":
          searches.push(url.searchParams);
          if (url.searchParams.get("format") !== "json") return new Response("format not allowed", { status: 403 });
          return Response.json({ query: url.searchParams.get("q"), number_of_results: SEARCH_RESULTS.length, results: SEARCH_RESULTS });
        default:
          return html("<html><body><h1>Not Found</h1><p>No page here.</p></body></html>", 404);
      }
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    port: server.port ?? 0,
    hits,
    searches,
    get lastHeaders() {
      return state.lastHeaders;
    },
    stop: () => server.stop(true),
  };
}
