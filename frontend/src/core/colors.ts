// Run colors. The server gives each run a color once, when it first appears (the least used
// of this palette, kept in the index: plugins/runs/reader.py), so a run keeps its color
// whatever runs appear or go; a color the user picked wins. Until the runs table has loaded,
// and for run groups, the color is derived from the name alone (same palette).
export const PALETTE = [
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf",
  "#bcbd22", "#3b5bdb", "#f08c00", "#0ca678", "#c2255c", "#7048e8", "#5c940d", "#1098ad",
  "#e8590c", "#364fc7", "#a61e4d", "#2b8a3e", "#862e9c", "#495057", "#d9480f", "#087f5b",
];

// FNV-1a: a small, well-spread string hash.
export function hashName(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
  return h >>> 0;
}

export function runColor(run: string, chosen?: string): string {
  if (chosen) return chosen;
  return PALETTE[hashName(run) % PALETTE.length];
}
