// Token usage and cost summed per model across a run, in the shapes Claude Code reports them.
import { addUsage, costUSD, emptyUsage, modelInfo, type Usage } from "./models.ts";

export type Ledger = Map<string, Usage>;

export function record(ledger: Ledger, model: string, usage: Usage): void {
  addUsage(ledger.get(model) ?? ledger.set(model, emptyUsage()).get(model)!, usage);
}

export function totalUsage(ledger: Ledger): Usage {
  const total = emptyUsage();
  for (const usage of ledger.values()) addUsage(total, usage);
  return total;
}

export function totalCost(ledger: Ledger): number {
  let sum = 0;
  for (const [model, usage] of ledger) sum += costUSD(model, usage);
  return sum;
}

/** `limits` gives the session's own model its effective window (a provider fallback or an override). */
export function modelUsage(ledger: Ledger, limits?: (model: string) => { contextWindow: number; maxOutputTokens: number } | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [model, usage] of ledger) {
    const info = limits?.(model) ?? modelInfo(model);
    out[model] = {
      inputTokens: usage.input_tokens,
      outputTokens: usage.output_tokens,
      cacheReadInputTokens: usage.cache_read_input_tokens,
      cacheCreationInputTokens: usage.cache_creation_input_tokens,
      webSearchRequests: 0,
      costUSD: costUSD(model, usage),
      contextWindow: info.contextWindow,
      maxOutputTokens: info.maxOutputTokens,
    };
  }
  return out;
}
