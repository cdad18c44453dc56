// `hone serve`: the HTTP API in front of hone sessions. Listens on 127.0.0.1 unless told otherwise; a
// server reachable from other machines always needs a token (HONE_SERVER_TOKEN, or one made up here
// and printed on stderr). The first line on stdout is the server's URL. SIGINT/SIGTERM close every
// session and exit 0.
import { randomBytes } from "node:crypto";
import { credentialsFromEnv } from "./anthropic.ts";
import { EXIT } from "./exit-codes.ts";
import { isLoopback, startServer } from "./server.ts";
import { serverRoutes } from "./server-routes.ts";
import { SessionRegistry } from "./server-sessions.ts";
import type { CommandIO } from "./subcommands.ts";

const HELP = `Usage: hone serve [--host <address>] [--port <n>]

Serve hone sessions over HTTP (routes: README "HTTP server").

Options:
  --host <address>  Address to listen on (default 127.0.0.1). Any address other than loopback
                    requires a bearer token: HONE_SERVER_TOKEN, or a generated one printed on stderr
  --port <n>        Port (default 8787; 0 picks a free one). The URL is the first line on stdout
  -h, --help        Show this help

Environment:
  HONE_SERVER_TOKEN  Token every route but GET /health requires (Authorization: Bearer <token>)`;

const DEFAULT_PORT = 8787;

interface ServeArgs {
  host: string;
  port: number;
  help: boolean;
}

// node:util is imported here, not at the top: a bundled static import would load with every hone start.
async function readArgs(args: string[]): Promise<ServeArgs> {
  const { parseArgs } = await import("node:util");
  const { values } = parseArgs({
    args,
    options: { host: { type: "string" }, port: { type: "string" }, help: { type: "boolean", short: "h" } },
    strict: true,
    allowPositionals: false,
  });
  const host = values.host ?? "127.0.0.1";
  if (host.trim() === "") throw new Error("--host needs an address");
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a whole number from 0 to 65535, got "${values.port}"`);
  return { host, port, help: values.help === true };
}

export async function serveCommand(args: string[], io: CommandIO): Promise<number> {
  let options: ServeArgs;
  try {
    options = await readArgs(args);
  } catch (error) {
    io.err(`hone serve: ${(error as Error).message}\nRun "hone serve --help" for usage.`);
    return EXIT.usage;
  }
  if (options.help) {
    io.out(HELP);
    return EXIT.ok;
  }
  const fromEnv = io.env.HONE_SERVER_TOKEN?.trim() || undefined;
  if (fromEnv !== undefined && /\s/.test(fromEnv)) {
    io.err("hone serve: HONE_SERVER_TOKEN must not contain whitespace (it travels as one word in the Authorization header)");
    return EXIT.usage;
  }
  const generated = fromEnv === undefined && !isLoopback(options.host) ? randomBytes(24).toString("base64url") : undefined;
  const token = fromEnv ?? generated;
  if (credentialsFromEnv(io.env).source === "none") io.err("hone serve: warning: ANTHROPIC_API_KEY is not set; sessions can only start where settings provide it");

  const registry = new SessionRegistry({ defaultCwd: io.cwd, log: io.err });
  let server;
  try {
    server = await startServer({ host: options.host, port: options.port, ...(token ? { token } : {}), routes: serverRoutes(registry), log: io.err });
  } catch (error) {
    io.err(`hone serve: cannot listen on ${options.host}:${options.port}: ${(error as Error).message}`);
    return EXIT.error;
  }
  io.out(server.url);
  if (generated) io.err(`hone serve: token: ${generated}\nhone serve: send it as "Authorization: Bearer <token>" (set HONE_SERVER_TOKEN to choose it)`);
  io.err(`hone serve: listening on ${server.url}${token ? " (bearer token required)" : ""}`);

  const running = server;
  return await new Promise<number>((done) => {
    let stopping = false;
    const stop = (signal: "SIGINT" | "SIGTERM") => (): void => {
      // A second signal while closing means: do not wait.
      if (stopping) process.exit(signal === "SIGINT" ? EXIT.sigint : EXIT.sigterm);
      stopping = true;
      io.err(`hone serve: ${signal}: closing ${registry.size} session(s)`);
      running.stopListening();
      void registry
        .closeAll()
        .then(() => running.close())
        .finally(() => {
          process.off("SIGINT", onInt);
          process.off("SIGTERM", onTerm);
          done(EXIT.ok);
        });
    };
    const onInt = stop("SIGINT");
    const onTerm = stop("SIGTERM");
    process.on("SIGINT", onInt);
    process.on("SIGTERM", onTerm);
  });
}
