// The approval page the planner serves on 127.0.0.1: one self-contained document (inline style and
// script, nothing fetched from elsewhere). It polls /state with the token from its own URL, shows what
// the planner is doing and the plan, and posts the user's decision. Element ids are stable for tests:
// status, task, revision, progress, plan, approve, edit, editor, approve-edited, cancel-edit, reject,
// feedback, send-feedback, cancel-reject, local, feedback-history, notice, final.

/** How often the page asks for the state, in milliseconds. */
export const PAGE_POLL_MS = 1500;

const STYLE = `
:root { color-scheme: light dark; --fg: #1d1f23; --bg: #f7f7f5; --card: #fff; --muted: #6b6f76; --line: #d9dad7; --accent: #3b5bdb; --ok: #2b8a3e; --bad: #c92a2a; }
@media (prefers-color-scheme: dark) { :root { --fg: #e4e5e7; --bg: #17181b; --card: #202226; --muted: #9a9ea6; --line: #34373d; --accent: #748ffc; --ok: #69db7c; --bad: #ff8787; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.55 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 960px; margin: 0 auto; padding: 24px 20px 64px; }
header h1 { font-size: 20px; margin: 0 0 4px; }
#task { white-space: pre-wrap; color: var(--muted); margin: 0 0 16px; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 999px; border: 1px solid var(--line); font-size: 13px; }
.badge[data-status="ready"] { border-color: var(--accent); color: var(--accent); }
.badge[data-status="approved"], .badge[data-status="local"] { border-color: var(--ok); color: var(--ok); }
.badge[data-status="failed"], .badge[data-status="timeout"], .badge[data-status="stopped"] { border-color: var(--bad); color: var(--bad); }
section { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 14px 18px; margin: 14px 0; }
section h2 { font-size: 14px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 0 0 8px; }
#progress { margin: 0; padding-left: 36px; max-height: 220px; overflow: auto; font: 13px/1.5 ui-monospace, SFMono-Regular, Menlo, monospace; }
#plan pre, #plan code { font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, monospace; }
#plan pre { background: var(--bg); padding: 10px; border-radius: 6px; overflow: auto; }
#plan table { border-collapse: collapse; } #plan th, #plan td { border: 1px solid var(--line); padding: 4px 8px; }
#plan blockquote { border-left: 3px solid var(--line); margin: 0; padding-left: 12px; color: var(--muted); }
.empty { color: var(--muted); font-style: italic; }
.actions { display: flex; flex-wrap: wrap; gap: 8px; }
button { font: inherit; padding: 7px 14px; border-radius: 6px; border: 1px solid var(--line); background: var(--card); color: var(--fg); cursor: pointer; }
button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
button:disabled { opacity: .45; cursor: default; }
textarea { width: 100%; min-height: 160px; font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, monospace; padding: 8px; border-radius: 6px; border: 1px solid var(--line); background: var(--bg); color: var(--fg); }
#editor { min-height: 360px; }
.panel { margin-top: 12px; } .panel[hidden] { display: none; }
#notice:empty, #final:empty { display: none; }
#notice { color: var(--muted); } #notice.error { color: var(--bad); }
#final { font-weight: 600; }
#feedback-history { margin: 0; padding-left: 20px; white-space: pre-wrap; }
`;

const SCRIPT = `
"use strict";
(function () {
  var token = new URLSearchParams(location.search).get("token") || "";
  var $ = function (id) { return document.getElementById(id); };
  var FINAL = { approved: 1, local: 1, timeout: 1, failed: 1, stopped: 1 };
  var LABELS = { planning: "Planning", ready: "Plan ready for review", approved: "Approved", "rejected-revising": "Revising with your feedback", local: "Sent back to the terminal", timeout: "Timed out", failed: "Failed", stopped: "Stopped" };
  var state = null, shownRevision = -1, busy = false, timer = null;

  function setNotice(text, isError) {
    var n = $("notice");
    n.textContent = text || "";
    n.className = isError ? "error" : "";
  }

  function renderList(el, items) {
    el.textContent = "";
    items.forEach(function (text) { var li = document.createElement("li"); li.textContent = text; el.appendChild(li); });
  }

  function finalText(s) {
    if (s.status === "approved") return "Approved. The terminal that started this plan picks it up; you can close this page.";
    if (s.status === "local") return "Sent back to the terminal to run there; you can close this page.";
    return (LABELS[s.status] || s.status) + (s.reason ? ": " + s.reason : "") + (s.plan ? " The last plan is kept and shown to the terminal." : "");
  }

  function render(s) {
    state = s;
    var status = $("status");
    status.textContent = LABELS[s.status] || s.status;
    status.setAttribute("data-status", s.status);
    $("task").textContent = s.task;
    $("revision").textContent = String(s.revision);
    var progress = $("progress");
    var atBottom = progress.scrollTop + progress.clientHeight >= progress.scrollHeight - 4;
    renderList(progress, s.progress);
    if (atBottom) progress.scrollTop = progress.scrollHeight;
    if (s.revision !== shownRevision || FINAL[s.status]) {
      shownRevision = s.revision;
      if (s.planHtml) $("plan").innerHTML = s.planHtml;
      else $("plan").innerHTML = '<p class="empty">The plan appears here when the planner has one.</p>';
    }
    renderList($("feedback-history"), s.feedback.map(function (f) { return "On plan " + f.revision + ": " + f.text; }));
    $("feedback-section").hidden = s.feedback.length === 0;
    var open = s.status === "ready" && !busy;
    ["approve", "edit", "reject", "local", "approve-edited", "send-feedback"].forEach(function (id) { $(id).disabled = !open; });
    $("final").textContent = FINAL[s.status] ? finalText(s) : "";
    if (FINAL[s.status]) { $("edit-panel").hidden = true; $("reject-panel").hidden = true; }
  }

  function poll() {
    fetch("/state?token=" + encodeURIComponent(token), { cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error("the planner answered " + r.status); return r.json(); })
      .then(function (s) { render(s); schedule(s); })
      .catch(function (e) {
        if (state && FINAL[state.status]) return;
        setNotice("Cannot reach the planner (" + e.message + "); it may have finished or been stopped.", true);
        schedule(null);
      });
  }

  function schedule(s) {
    clearTimeout(timer);
    if (s && FINAL[s.status]) return;
    timer = setTimeout(poll, ${PAGE_POLL_MS});
  }

  function send(path, body, doneText) {
    busy = true;
    if (state) render(state);
    setNotice("Sending…", false);
    return fetch(path, { method: "POST", headers: { "content-type": "application/json", "x-ultraplan-token": token }, body: JSON.stringify(body) })
      .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, body: j }; }); })
      .then(function (res) {
        busy = false;
        if (!res.ok) { setNotice(res.body && res.body.error ? res.body.error : "The planner refused the request.", true); poll(); return false; }
        setNotice(doneText, false);
        poll();
        return true;
      })
      .catch(function (e) { busy = false; setNotice("Could not send: " + e.message, true); poll(); return false; });
  }

  $("approve").addEventListener("click", function () { send("/approve", {}, "Approved."); });
  $("local").addEventListener("click", function () { send("/local", {}, "Sent to the terminal."); });
  $("edit").addEventListener("click", function () {
    $("reject-panel").hidden = true;
    $("editor").value = state ? state.plan : "";
    $("edit-panel").hidden = false;
    $("editor").focus();
  });
  $("cancel-edit").addEventListener("click", function () { $("edit-panel").hidden = true; });
  $("approve-edited").addEventListener("click", function () {
    var text = $("editor").value;
    if (!text.trim()) { setNotice("The edited plan is empty.", true); return; }
    send("/approve", { plan: text }, "Approved with your edits.").then(function (ok) { if (ok) $("edit-panel").hidden = true; });
  });
  $("reject").addEventListener("click", function () {
    $("edit-panel").hidden = true;
    $("reject-panel").hidden = false;
    $("feedback").focus();
  });
  $("cancel-reject").addEventListener("click", function () { $("reject-panel").hidden = true; });
  $("send-feedback").addEventListener("click", function () {
    var text = $("feedback").value;
    if (!text.trim()) { setNotice("Say what should change before sending.", true); return; }
    send("/reject", { feedback: text }, "Feedback sent; the planner is revising the plan.").then(function (ok) {
      if (ok) { $("feedback").value = ""; $("reject-panel").hidden = true; }
    });
  });
  poll();
})();
`;

const BODY = `
<main>
  <header>
    <h1>ULTRAPLAN <span id="status" class="badge" data-status="planning">Connecting…</span></h1>
    <p id="task"></p>
  </header>
  <section>
    <h2>Progress</h2>
    <ol id="progress"></ol>
  </section>
  <section>
    <h2>Plan <span class="empty">(revision <span id="revision">0</span>)</span></h2>
    <div id="plan"><p class="empty">The plan appears here when the planner has one.</p></div>
  </section>
  <section>
    <h2>Decision</h2>
    <div class="actions">
      <button id="approve" class="primary" disabled>Approve</button>
      <button id="edit" disabled>Edit then approve</button>
      <button id="reject" disabled>Reject with feedback</button>
      <button id="local" disabled>Run locally</button>
    </div>
    <div id="edit-panel" class="panel" hidden>
      <textarea id="editor" spellcheck="false" aria-label="The plan, editable"></textarea>
      <div class="actions"><button id="approve-edited" class="primary" disabled>Approve edited</button><button id="cancel-edit">Cancel</button></div>
    </div>
    <div id="reject-panel" class="panel" hidden>
      <textarea id="feedback" placeholder="What should the planner change?" aria-label="Feedback for the planner"></textarea>
      <div class="actions"><button id="send-feedback" class="primary" disabled>Send feedback</button><button id="cancel-reject">Cancel</button></div>
    </div>
    <p id="notice" role="status"></p>
    <p id="final"></p>
  </section>
  <section id="feedback-section" hidden>
    <h2>Feedback so far</h2>
    <ul id="feedback-history"></ul>
  </section>
</main>`;

/** The whole page; it carries no state or secret itself (both come from /state with the URL's token). */
export function approvalPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>hone ULTRAPLAN</title>
<style>${STYLE}</style>
</head>
<body>${BODY}
<script>${SCRIPT}</script>
</body>
</html>
`;
}
