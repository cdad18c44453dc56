// What WebFetch does with a downloaded body: decide whether it is text at all, decode it with the right
// charset, and turn HTML into markdown (turndown, loaded only when a page needs it).
import type TurndownService from "turndown";

export type ContentKind = "html" | "text" | "binary";

/** The MIME type without parameters, lower-cased ("" when absent). */
export function mimeOf(contentType: string | null): string {
  return (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

const TEXT_APPLICATION = new Set([
  "application/json",
  "application/ld+json",
  "application/xml",
  "application/javascript",
  "application/x-javascript",
  "application/ecmascript",
  "application/x-sh",
  "application/x-yaml",
  "application/yaml",
  "application/toml",
  "application/x-ndjson",
  "application/graphql",
  "application/rss+xml",
  "application/atom+xml",
]);

/** html, text, or binary (never given to a model). An empty type is decided by sniffing the body. */
export function classify(mime: string): ContentKind | "unknown" {
  if (mime === "") return "unknown";
  if (mime === "text/html" || mime === "application/xhtml+xml") return "html";
  if (mime.startsWith("text/")) return "text";
  if (TEXT_APPLICATION.has(mime) || mime.endsWith("+json") || mime.endsWith("+xml")) return "text";
  return "binary";
}

/** For a body without a Content-Type: NUL bytes mean binary, a leading tag means HTML. */
export function sniffKind(head: Uint8Array): ContentKind {
  const sample = head.subarray(0, 1024);
  if (sample.includes(0)) return "binary";
  const start = new TextDecoder("latin1").decode(sample).trimStart().slice(0, 100).toLowerCase();
  return start.startsWith("<!doctype html") || start.startsWith("<html") ? "html" : "text";
}

function charsetParam(contentType: string | null): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? "");
  return match?.[1];
}

/** A <meta charset> or http-equiv declaration in the first bytes of an HTML page. */
function metaCharset(bytes: Uint8Array): string | undefined {
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 2048));
  return /<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)/i.exec(head)?.[1];
}

function decoderFor(label: string | undefined): TextDecoder | undefined {
  if (label === undefined) return undefined;
  try {
    return new TextDecoder(label);
  } catch {
    return undefined;
  }
}

/** Decodes with the Content-Type charset, then an HTML meta charset, then UTF-8. */
export function decodeBody(bytes: Uint8Array, contentType: string | null, kind: ContentKind): string {
  const decoder =
    decoderFor(charsetParam(contentType)) ?? (kind === "html" ? decoderFor(metaCharset(bytes)) : undefined) ?? new TextDecoder("utf-8");
  return decoder.decode(bytes);
}

let service: TurndownService | undefined;
/** The page being converted; turndown runs synchronously, so one module-level value is safe. */
let pageBase = "";

function absolute(href: string): string {
  try {
    return new URL(href, pageBase).href;
  } catch {
    return href;
  }
}

async function turndownService(): Promise<TurndownService> {
  if (service) return service;
  const { default: Turndown } = await import("turndown");
  const t = new Turndown({ headingStyle: "atx", codeBlockStyle: "fenced", bulletListMarker: "-" });
  // Page chrome that carries no readable text for the model.
  t.remove(["script", "style", "noscript", "iframe", "template", "object", "embed", "canvas"]);
  t.remove((node) => ["svg", "math"].includes(node.nodeName.toLowerCase()));
  // Links and images resolved against the page, so the model can fetch them; inline data images dropped.
  t.addRule("absoluteLinks", {
    filter: (node) => node.nodeName === "A" && node.getAttribute("href") !== null,
    replacement: (content, node) => {
      const href = node.getAttribute("href") ?? "";
      const text = content.trim();
      if (href.startsWith("#") || href.toLowerCase().startsWith("javascript:")) return text;
      return text === "" ? "" : `[${text}](${absolute(href)})`;
    },
  });
  t.addRule("images", {
    filter: "img",
    replacement: (_content, node) => {
      const alt = (node.getAttribute("alt") ?? "").trim();
      const src = node.getAttribute("src") ?? "";
      if (src === "" || src.startsWith("data:")) return alt;
      return `![${alt}](${absolute(src)})`;
    },
  });
  // turndown pads list markers to four columns ("-   item"); one space says the same in fewer tokens.
  t.addRule("compactListItems", {
    filter: "li",
    replacement: (content, node, options) => {
      const parent = node.parentNode as HTMLElement | null;
      let prefix = `${options.bulletListMarker ?? "-"} `;
      if (parent?.nodeName === "OL") {
        const start = Number(parent.getAttribute("start") ?? "1");
        prefix = `${(Number.isFinite(start) ? start : 1) + Array.prototype.indexOf.call(parent.children, node)}. `;
      }
      const body = content.replace(/^\n+/, "").replace(/\n+$/, "\n").replace(/\n/g, `\n${" ".repeat(prefix.length)}`);
      return `${prefix}${body}${node.nextSibling && !body.endsWith("\n") ? "\n" : ""}`;
    },
  });
  service = t;
  return t;
}

/** The page's own <base href>, resolved against its URL, or the URL itself. */
function baseOf(html: string, url: string): string {
  const declared = /<base\s[^>]*href\s*=\s*["']?([^"'\s>]+)/i.exec(html)?.[1];
  if (declared === undefined) return url;
  try {
    return new URL(declared, url).href;
  } catch {
    return url;
  }
}

/** HTML to markdown with headings, lists, links and code kept; relative links made absolute against `url`. */
export async function htmlToMarkdown(html: string, url: string): Promise<string> {
  const t = await turndownService();
  pageBase = baseOf(html, url);
  try {
    // Trailing spaces (hard breaks, padding) carry nothing for a model reader.
    return t.turndown(html).replace(/[ \t]+$/gm, "").replace(/\n{3,}/g, "\n\n").trim();
  } finally {
    pageBase = "";
  }
}
