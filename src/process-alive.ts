// Whether a process still exists: signal 0 checks without touching it. EPERM means it exists but belongs
// to someone else, which still makes a lock or a run it holds live.
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
