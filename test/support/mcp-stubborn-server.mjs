// A working MCP server (the reference "everything" server) that ignores SIGTERM and the end of stdin,
// so only SIGKILL stops it: close() must still leave nothing behind.
process.on("SIGTERM", () => process.stderr.write("ignoring SIGTERM\n"));
setInterval(() => {}, 1000);
await import(new URL("../../node_modules/@modelcontextprotocol/server-everything/dist/transports/stdio.js", import.meta.url).href);
