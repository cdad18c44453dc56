// The approval server: the token and Host checks, the state JSON, decisions and the plan's HTML.
import { afterEach, describe, expect, test } from "bun:test";
import { request } from "node:http";
import { planHtml } from "../src/ultraplan-markdown.ts";
import { newToken, startApprovalServer, tokenMatches, type ApprovalServer, type UltraplanDecision } from "../src/ultraplan-server.ts";
import { initialState, withProgress, type UltraplanState } from "../src/ultraplan-state.ts";

let server: ApprovalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const SECRET_TASK = "secret task text 9d1c";

function readyState(): UltraplanState {
  const base = initialState({ id: "up-test", task: SECRET_TASK, cwd: "/proj" }, new Date("2026-01-01T00:00:00Z"));
  return { ...withProgress(base, "Read(src/app.ts)"), status: "ready", plan: "# The plan\n\n- step **one**", revision: 1, url: "http://127.0.0.1:1/?token=x", pid: 42 };
}

async function start(onDecision: (d: UltraplanDecision) => { ok: true } | { ok: false; status: number; error: string } = () => ({ ok: true })) {
  const token = newToken();
  const decisions: UltraplanDecision[] = [];
  let state = readyState();
  server = await startApprovalServer({
    token,
    getState: () => state,
    onDecision: (d) => {
      decisions.push(d);
      const result = onDecision(d);
      if (result.ok) state = { ...state, status: d.kind === "reject" ? "rejected-revising" : d.kind === "approve" ? "approved" : "local" };
      return result;
    },
  });
  return { token, decisions, base: `http://127.0.0.1:${server.port}` };
}

/** A raw request, so the Host header can be anything. */
function raw(port: number, path: string, headers: Record<string, string>, method = "GET", body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method, headers }, (res) => {
      let data = "";
      res.on("data", (c: Buffer) => (data += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: data }));
    });
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

describe("tokens", () => {
  test("32 random bytes, base64url; compared whatever the lengths", () => {
    const token = newToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, "base64url").length).toBe(32);
    expect(newToken()).not.toBe(token);
    expect(tokenMatches(token, token)).toBe(true);
    expect(tokenMatches(token.slice(0, 42), token)).toBe(false);
    expect(tokenMatches(`${token}x`, token)).toBe(false);
    expect(tokenMatches(undefined, token)).toBe(false);
    expect(tokenMatches("", "")).toBe(false);
  });
});

describe("access", () => {
  test("listens on 127.0.0.1 and reports its port and URL", async () => {
    const { token } = await start();
    expect(server!.port).toBeGreaterThan(0);
    expect(server!.url).toBe(`http://127.0.0.1:${server!.port}/?token=${token}`);
  });

  test("requests without the token, or with a wrong one, get 403 and nothing about the run", async () => {
    const { token, base, decisions } = await start();
    for (const path of ["/", "/state", "/state?token=", `/state?token=${token.slice(1)}`, "/nope"]) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(403);
      const text = await res.text();
      expect(text).not.toContain(SECRET_TASK);
      expect(text).not.toContain("The plan");
    }
    const post = await fetch(`${base}/approve`, { method: "POST", body: "{}", headers: { "x-ultraplan-token": "wrong" } });
    expect(post.status).toBe(403);
    const noHeader = await fetch(`${base}/approve`, { method: "POST", body: "{}" });
    expect(noHeader.status).toBe(403);
    expect(decisions).toEqual([]);
  });

  test("a Host other than this loopback port is refused even with the token (DNS rebinding)", async () => {
    const { token } = await start();
    const port = server!.port;
    for (const host of ["evil.example", `evil.example:${port}`, `127.0.0.1:${port + 1}`, `localhost`, `[::1]:${port}`]) {
      const res = await raw(port, `/state?token=${token}`, { host });
      expect(res.status).toBe(403);
      expect(res.body).not.toContain(SECRET_TASK);
    }
    const local = await raw(port, `/state?token=${token}`, { host: `localhost:${port}` });
    expect(local.status).toBe(200);
    expect(JSON.parse(local.body).task).toBe(SECRET_TASK);
  });
});

describe("the page and the state", () => {
  test("GET / is the page, locked down by its headers", async () => {
    const { token, base } = await start();
    const res = await fetch(`${base}/?token=${token}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const html = await res.text();
    for (const id of ["approve", "edit", "editor", "approve-edited", "reject", "feedback", "send-feedback", "local", "progress", "plan", "status"]) {
      expect(html).toContain(`id="${id}"`);
    }
    // Self-contained: nothing loaded from anywhere.
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    // The page carries no secret: the token comes from its own URL.
    expect(html).not.toContain(token);
  });

  test("GET /state is the run as JSON, with the plan as HTML and without pid or URL", async () => {
    const { token, base } = await start();
    const res = await fetch(`${base}/state?token=${token}`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ id: "up-test", task: SECRET_TASK, status: "ready", revision: 1, progress: ["Read(src/app.ts)"], feedback: [], edited: false });
    expect(body.plan).toBe("# The plan\n\n- step **one**");
    expect(body.planHtml).toBe("<h1>The plan</h1><ul><li>step <strong>one</strong></li></ul>");
    expect(body.pid).toBeUndefined();
    expect(body.url).toBeUndefined();
  });
});

describe("decisions", () => {
  test("approve, approve with an edited plan, reject with feedback, local: token in the header or the query", async () => {
    const { token, base, decisions } = await start();
    const post = (path: string, body: unknown, viaQuery = false) =>
      fetch(`${base}${path}${viaQuery ? `?token=${token}` : ""}`, { method: "POST", headers: viaQuery ? {} : { "x-ultraplan-token": token }, body: JSON.stringify(body) });
    const ok = await post("/approve", {});
    expect(ok.status).toBe(200);
    expect((await ok.json()).state.status).toBe("approved");
    expect((await post("/approve", { plan: "edited plan" }, true)).status).toBe(200);
    expect((await post("/reject", { feedback: "more tests" })).status).toBe(200);
    expect((await post("/local", {})).status).toBe(200);
    expect(decisions).toEqual([{ kind: "approve" }, { kind: "approve", plan: "edited plan" }, { kind: "reject", feedback: "more tests" }, { kind: "local" }]);
  });

  test("bad bodies are 400 and reach nobody; a refused decision passes its status through", async () => {
    const { token, base, decisions } = await start(() => ({ ok: false, status: 409, error: "The planner is still working" }));
    const post = (path: string, body: string) => fetch(`${base}${path}`, { method: "POST", headers: { "x-ultraplan-token": token }, body });
    const noFeedback = await post("/reject", "{}");
    expect(noFeedback.status).toBe(400);
    expect((await noFeedback.json()).error).toContain("feedback");
    expect((await post("/reject", JSON.stringify({ feedback: "   " }))).status).toBe(400);
    expect((await post("/approve", "not json")).status).toBe(400);
    expect((await post("/approve", JSON.stringify({ plan: 3 }))).status).toBe(400);
    expect((await post("/approve", JSON.stringify({ plan: "  " }))).status).toBe(400);
    expect((await post("/approve", "x".repeat(2 * 1024 * 1024))).status).toBe(400);
    expect(decisions).toEqual([]);
    const refused = await post("/approve", "{}");
    expect(refused.status).toBe(409);
    expect((await refused.json()).error).toBe("The planner is still working");
    const get = await fetch(`${base}/approve?token=${token}`);
    expect(get.status).toBe(405);
  });
});

describe("the plan as HTML", () => {
  test("markup in the plan is shown as text, never run; only http(s) links survive", () => {
    const html = planHtml('Intro <img src=x onerror="alert(1)">\n\n<script>steal()</script>\n\n[ok](https://example.com/a) [bad](javascript:alert(1)) `<b>`\n\n```ts\nconst a = "<tag>";\n```');
    expect(html).not.toContain("<script");
    expect(html).not.toContain("<img");
    expect(html).not.toContain('href="javascript');
    expect(html).toContain("&#60;script&#62;steal()&#60;/script&#62;");
    expect(html).toContain('<a href="https://example.com/a" rel="noopener noreferrer" target="_blank">ok</a>');
    expect(html).toContain("<code>&#60;b&#62;</code>");
    expect(html).toContain('<pre data-lang="ts"><code>const a = &#34;&#60;tag&#62;&#34;;</code></pre>');
    expect(planHtml("   ")).toBe("");
  });

  test("lists, tables and headings", () => {
    expect(planHtml("## Steps\n\n3. a\n4. b")).toBe('<h2>Steps</h2><ol start="3"><li>a</li><li>b</li></ol>');
    expect(planHtml("| a | b |\n|---|--:|\n| 1 | 2 |")).toBe('<table><thead><tr><th>a</th><th style="text-align:right">b</th></tr></thead><tbody><tr><td>1</td><td style="text-align:right">2</td></tr></tbody></table>');
  });
});
