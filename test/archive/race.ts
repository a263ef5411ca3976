// Keys and bodies the fs archive race test and its worker processes agree on.

/** The `index`th key the racing workers all write. */
export function raceKey(index: number): string {
  return `portfolio/2026-11-21/race-${String(index).padStart(2, "0")}.txt`;
}

/** What worker `name` writes under `key`: large enough (128 KiB) that a write takes a while. */
export function raceBody(name: string, key: string): Uint8Array {
  return new TextEncoder().encode(`${name} ${key}\n`.repeat(4096).slice(0, 128 * 1024));
}
