// First run without an Anthropic key in the terminal: if a local OpenAI-compatible server answers on
// its usual port, offer its models and move the session onto the one picked; otherwise say how to
// set a key (or start a local server).
import type { PreparedRun } from "./prepare-run.ts";
import { PROVIDERS } from "./provider-profiles.ts";
import { switchProvider } from "./run-config.ts";

const OFFERED_MODELS = 3;
const DECLINE = "No";

export async function offerLocalServer(run: PreparedRun, print: (text: string) => void, env: Record<string, string | undefined> = process.env): Promise<void> {
  const { probeLocalServers, noKeyHelp } = await import("./local-servers.ts");
  const found = (await probeLocalServers()).filter((s) => s.models.length > 0);
  const server = found[0];
  const ask = run.setup.agent.session.askUser;
  if (!server || !ask) {
    print(noKeyHelp(found));
    return;
  }
  const models = server.models.slice(0, OFFERED_MODELS);
  const answers = await ask(
    [
      {
        question: `No Anthropic API key is set, but ${server.label} answers at ${server.baseURL}. Use one of its models for this session?`,
        header: "Provider",
        options: [...models.map((m) => ({ label: m, description: `${server.label}, served locally` })), { label: DECLINE, description: "Set ANTHROPIC_API_KEY and start hone again" }],
        multiSelect: false,
      },
    ],
    new AbortController().signal,
  );
  const picked = answers ? Object.values(answers)[0] : undefined;
  if (!picked || picked === DECLINE) {
    print(noKeyHelp(found));
    return;
  }
  const profile = PROVIDERS[server.kind];
  switchProvider(run.setup, { id: server.kind, model: picked, profile, baseURL: server.baseURL, reason: "local server" }, env);
  print(`Using ${picked} through ${server.label} at ${server.baseURL}. Next time: hone --provider ${server.kind} --model ${picked}`);
}
