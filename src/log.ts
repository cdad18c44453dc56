// A tiny leveled logger that writes to stderr, so diagnostics never mix with -p output on stdout.
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Logger {
  level: LogLevel;
  enabled: (level: LogLevel) => boolean;
  trace: (message: string) => void;
  debug: (message: string) => void;
  info: (message: string) => void;
  warn: (message: string) => void;
  error: (message: string) => void;
}

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

/** `write` defaults to stderr; tests pass their own sink. */
export function createLogger(level: LogLevel = "warn", write: (line: string) => void = (line) => process.stderr.write(line)): Logger {
  const threshold = LOG_LEVELS.indexOf(level);
  const enabled = (at: LogLevel): boolean => LOG_LEVELS.indexOf(at) >= threshold;
  const emit = (at: LogLevel) => (message: string) => {
    if (enabled(at)) write(`hone ${at}: ${message}\n`);
  };
  return {
    level,
    enabled,
    trace: emit("trace"),
    debug: emit("debug"),
    info: emit("info"),
    warn: emit("warn"),
    error: emit("error"),
  };
}
