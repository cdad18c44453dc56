// Documented process exit codes (README "Exit codes").
export const EXIT = {
  ok: 0,
  /** The run failed: API error, missing key, tool infrastructure failure. */
  error: 1,
  /** Bad command line: unknown flag, bad value, missing prompt. */
  usage: 2,
  /** --max-turns was reached before the model finished. */
  maxTurns: 3,
  sigint: 130,
  sigterm: 143,
} as const;
