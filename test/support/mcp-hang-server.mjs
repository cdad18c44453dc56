// Never answers and ignores SIGTERM and the end of stdin: only SIGKILL stops it.
process.on("SIGTERM", () => process.stderr.write("ignoring SIGTERM\n"));
process.stdin.resume();
process.stdin.on("end", () => process.stderr.write("stdin closed, staying alive\n"));
process.stderr.write("hang server waiting forever\n");
setInterval(() => {}, 1000);
