// The version is stamped in at build time (build.ts `define`); running from source reports "dev".
declare const HONE_VERSION: string | undefined;

export const VERSION: string = typeof HONE_VERSION === "string" ? HONE_VERSION : "0.0.0-dev";
