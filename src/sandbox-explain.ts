// Tells the model when a command probably failed because of hone's sandbox, what was blocked, and how
// to retry outside it, so it does not guess at broken tools or permissions.

export interface SandboxInfo {
  /** Folders writable inside the sandbox. */
  writable: readonly string[];
  allowedDomains: readonly string[];
}

const SETUP = /^bwrap: .*/m;
const READ_ONLY = /Read-only file system|EROFS/;
const DENIED = /Permission denied|EACCES|Operation not permitted|EPERM/;
const PROXY_BLOCK =
  /hone sandbox: network access to (\S+) is blocked|CONNECT tunnel failed, response 403|X-Hone-Sandbox: blocked/;
const NO_NETWORK = new RegExp(
  [
    "Could not resolve host", "Temporary failure in name resolution", "Name or service not known", "getaddrinfo",
    "EAI_AGAIN", "ENOTFOUND", "No address associated with hostname", "Network is unreachable", "ENETUNREACH",
    "Failed to connect to", "Couldn't connect to server", "Connection refused", "ECONNREFUSED",
  ].join("|"),
);

const HOST_SOCKET = /Cannot connect to the Docker daemon|docker\.sock/;

const RETRY =
  "If the command needs this, retry it with dangerouslyDisableSandbox: true (the user is asked before it runs outside the sandbox).";

export function explainSandboxFailure(output: string, exitCode: number | null, info: SandboxInfo): string | undefined {
  const blocked = PROXY_BLOCK.exec(output);
  // A zero exit usually means whatever was printed did not matter, except the proxy's own refusal
  // (`curl http://...` exits 0 on a 403).
  if (exitCode === 0 && !blocked) return undefined;
  const setup = SETUP.exec(output)?.[0];
  if (setup) return `This command could not start in hone's sandbox (${setup}). ${RETRY}`;
  const notes: string[] = [];
  if (exitCode !== 0 && (READ_ONLY.test(output) || DENIED.test(output))) {
    const certain = READ_ONLY.test(output) ? "" : "probably ";
    notes.push(
      `This command ran in hone's sandbox and was ${certain}stopped from writing: only ${info.writable.join(", ")} ` +
        "($TMPDIR) are writable, and .git/hooks, .git/config, .git when missing, .claude/, .hone/, .mcp.json " +
        "and shell start-up files stay read-only even there.",
    );
  }
  if (blocked) {
    const host = blocked[1] ? `${blocked[1]} is` : "the host is";
    notes.push(
      `This command ran in hone's sandbox: ${host} not on the network allowlist (allowed: ${info.allowedDomains.join(", ")}).`,
    );
  } else if (NO_NETWORK.test(output)) {
    notes.push(
      info.allowedDomains.length > 0
        ? `This command ran in hone's sandbox, where network access only goes through hone's proxy (HTTP_PROXY) to ${info.allowedDomains.join(", ")}; tools that ignore the proxy variables have no network.`
        : "This command ran in hone's sandbox, which has no network access.",
    );
  }
  if (HOST_SOCKET.test(output)) {
    notes.push("This command ran in hone's sandbox, where host services reached through Unix sockets (such as Docker's) are hidden.");
  }
  if (notes.length === 0) return undefined;
  return `${notes.join(" ")} ${RETRY}`;
}
