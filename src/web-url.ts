// URL rules for the web tools: which URLs WebFetch takes, the http->https upgrade (loopback excepted),
// which redirects it follows on its own, and how a search hit's host is matched against a domain list.
import { ToolError } from "./tool.ts";

const MAX_URL_LENGTH = 2000;

/** localhost, *.localhost, 127.0.0.0/8 and ::1: local dev servers, which serve plain http. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (host === "::1") return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Parses and checks the model's URL and upgrades http to https (except loopback hosts). */
export function parseFetchUrl(raw: string): URL {
  const text = raw.trim();
  if (text.length > MAX_URL_LENGTH) throw new ToolError(`The URL is too long (${text.length} characters; at most ${MAX_URL_LENGTH}).`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ToolError(`Invalid URL: ${JSON.stringify(raw)}. Give a full URL such as https://example.com/page.`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ToolError(`Only http and https URLs can be fetched, not ${url.protocol.replace(/:$/, "")}: (${text}).`);
  }
  if (url.username !== "" || url.password !== "") {
    throw new ToolError("URLs with a user name or password in them are not fetched; remove the credentials.");
  }
  return upgradeUrl(url);
}

/** http becomes https, except for loopback hosts. Returns a new URL. */
export function upgradeUrl(url: URL): URL {
  const out = new URL(url.href);
  if (out.protocol === "http:" && !isLoopbackHost(out.hostname)) out.protocol = "https:";
  return out;
}

function bareHost(hostname: string): string {
  return hostname.toLowerCase().replace(/^www\./, "");
}

/** Same host for redirects: equal hostnames (a leading www. ignored) and ports. */
export function sameHost(a: URL, b: URL): boolean {
  return bareHost(a.hostname) === bareHost(b.hostname) && a.port === b.port;
}

export type RedirectVerdict = "follow" | "cross-host" | "downgrade" | "unsupported";

/** Whether WebFetch follows a redirect itself or reports it to the model. */
export function redirectVerdict(from: URL, to: URL): RedirectVerdict {
  if (to.protocol !== "http:" && to.protocol !== "https:") return "unsupported";
  if (from.protocol === "https:" && to.protocol === "http:") return "downgrade";
  return sameHost(from, to) ? "follow" : "cross-host";
}

/** "https://www.Example.com/x" or "example.com" -> "example.com": what a domain filter entry names. */
export function normalizeDomain(domain: string): string {
  const text = domain.trim().toLowerCase();
  const withoutScheme = text.replace(/^[a-z][a-z0-9+.-]*:\/\//, "");
  const host = withoutScheme.split(/[/?#]/)[0] ?? "";
  return bareHost(host.replace(/:\d+$/, "").replace(/\.$/, ""));
}

/** True when the URL's host is the domain or one of its subdomains. */
export function urlInDomains(url: string, domains: readonly string[]): boolean {
  let host: string;
  try {
    host = bareHost(new URL(url).hostname);
  } catch {
    return false;
  }
  return domains.some((d) => {
    const want = normalizeDomain(d);
    return want !== "" && (host === want || host.endsWith(`.${want}`));
  });
}
