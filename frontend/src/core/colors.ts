// Stable, distinct run colors: a run keeps its color across reloads and page loads.
const PALETTE = [
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf",
  "#bcbd22", "#3b5bdb", "#f08c00", "#0ca678", "#c2255c", "#7048e8", "#5c940d", "#1098ad",
];

export function runColor(run: string, allRuns: readonly string[]): string {
  // Runs sorted by name take palette slots in order; beyond the palette, hash to a hue.
  const i = allRuns.indexOf(run);
  if (i >= 0 && i < PALETTE.length) return PALETTE[i];
  let h = 0;
  for (const ch of run) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return `hsl(${h % 360} 65% 48%)`;
}
