// Short random ids (agents, scheduled tasks, ULTRAPLAN runs): web crypto, so it runs anywhere.

/** `bytes` random bytes as lowercase hex (two characters each). */
export function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, "0")).join("");
}
