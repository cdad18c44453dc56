// The plan as HTML for the approval page. The plan is model output that may quote anything it read
// (including HTML meant to run in this page, which holds the approval token), so every piece of text is
// escaped and only the tags chosen here are ever produced; raw HTML in the plan shows as text, and links
// keep only http(s) destinations.
import { Lexer, type Token, type Tokens } from "marked";

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function safeHref(href: string): string | undefined {
  try {
    const url = new URL(href);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function nested(token: Token): Token[] | undefined {
  const tokens = (token as { tokens?: unknown }).tokens;
  return Array.isArray(tokens) ? (tokens as Token[]) : undefined;
}

function inline(tokens: readonly Token[]): string {
  return tokens.map(inlineToken).join("");
}

function inlineToken(token: Token): string {
  switch (token.type) {
    case "strong":
      return `<strong>${inline(token.tokens ?? [])}</strong>`;
    case "em":
      return `<em>${inline(token.tokens ?? [])}</em>`;
    case "del":
      return `<del>${inline(token.tokens ?? [])}</del>`;
    case "codespan":
      return `<code>${escapeHtml(token.text)}</code>`;
    case "br":
      return "<br>";
    case "link": {
      const href = safeHref(token.href);
      const label = inline(token.tokens ?? []) || escapeHtml(token.text);
      return href ? `<a href="${escapeHtml(href)}" rel="noopener noreferrer" target="_blank">${label}</a>` : label;
    }
    case "image":
      // No fetches from this page: an image is its description.
      return escapeHtml(token.text ? `[image: ${token.text}]` : "[image]");
    case "checkbox":
      return token.checked ? "☑ " : "☐ ";
    default: {
      const inner = nested(token);
      if (inner) return inline(inner);
      const text = (token as { text?: unknown }).text;
      return escapeHtml(typeof text === "string" ? text : token.raw);
    }
  }
}

function listHtml(list: Tokens.List): string {
  const tag = list.ordered ? "ol" : "ul";
  const start = list.ordered && typeof list.start === "number" && list.start !== 1 ? ` start="${list.start}"` : "";
  const items = list.items.map((item) => `<li>${blocks(item.tokens)}</li>`).join("");
  return `<${tag}${start}>${items}</${tag}>`;
}

function tableHtml(table: Tokens.Table): string {
  const cell = (c: Tokens.TableCell, tag: "th" | "td") => `<${tag}${c.align ? ` style="text-align:${c.align}"` : ""}>${inline(c.tokens)}</${tag}>`;
  const head = `<tr>${table.header.map((c) => cell(c, "th")).join("")}</tr>`;
  const rows = table.rows.map((row) => `<tr>${row.map((c) => cell(c, "td")).join("")}</tr>`).join("");
  return `<table><thead>${head}</thead><tbody>${rows}</tbody></table>`;
}

function block(token: Token): string {
  switch (token.type) {
    case "space":
      return "";
    case "heading": {
      const level = Math.min(6, Math.max(1, token.depth));
      return `<h${level}>${inline(token.tokens ?? [])}</h${level}>`;
    }
    case "paragraph":
      return `<p>${inline(token.tokens ?? [])}</p>`;
    case "code": {
      const lang = token.lang ? ` data-lang="${escapeHtml(token.lang)}"` : "";
      return `<pre${lang}><code>${escapeHtml(token.text)}</code></pre>`;
    }
    case "blockquote":
      return `<blockquote>${blocks(token.tokens ?? [])}</blockquote>`;
    case "list":
      return listHtml(token as Tokens.List);
    case "table":
      return tableHtml(token as Tokens.Table);
    case "hr":
      return "<hr>";
    case "html":
      return `<pre class="raw">${escapeHtml(token.raw)}</pre>`;
    default: {
      const inner = nested(token);
      return inner ? inline(inner) : escapeHtml(token.raw);
    }
  }
}

function blocks(tokens: readonly Token[]): string {
  return tokens.map(block).join("");
}

/** The plan's markdown as safe HTML. */
export function planHtml(markdown: string): string {
  if (markdown.trim() === "") return "";
  try {
    return blocks(Lexer.lex(markdown, { gfm: true }));
  } catch {
    // The lexer should not throw; if it does, the plan is still readable as text.
    return `<pre>${escapeHtml(markdown)}</pre>`;
  }
}
