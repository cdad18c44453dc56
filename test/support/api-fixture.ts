// One scripted API per test: `const withApi = scriptedApi()` at the top of a test file, then
// `const server = await withApi(step, ...)` in a test; the server is closed after each test.
import { afterEach } from "bun:test";
import { startMockApi, type MockApi, type MockApiOptions, type Step } from "./mock-api.ts";

export function scriptedApi(): (...steps: Step[]) => Promise<MockApi> {
  let api: MockApi | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });
  return async (...steps) => {
    await api?.close();
    api = await startMockApi({ steps });
    return api;
  };
}

/** The same with every option of the scripted API (routes, fallback): `const serve = servedApi()`. */
export function servedApi(): (options: MockApiOptions) => Promise<MockApi> {
  let api: MockApi | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });
  return async (options) => {
    await api?.close();
    api = await startMockApi(options);
    return api;
  };
}
