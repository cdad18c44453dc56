// Not an MCP server: answers nothing, prints lines that are not JSON-RPC on stdout and stays alive.
process.stdin.resume();
process.stdout.write("Welcome to the garbage server v1\n");
process.stdout.write("<html>definitely not json</html>\n");
setInterval(() => process.stdout.write("still not json\n"), 200);
