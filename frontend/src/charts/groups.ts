// Runs drawn as groups: each group's runs are put on one x grid (the union of their x values,
// linear interpolation inside each run's range, nothing outside it), then reduced to a
// center line (mean or median) and a band (min–max or ± one standard deviation).

export type Aggregate = "mean" | "median";
export type Band = "minmax" | "std" | "none";

export interface Member { x: number[]; y: number[] }
export interface Reduced { x: number[]; center: number[]; lo: number[]; hi: number[]; n: number[] }

const MAX_GRID = 4000;

function interp(xs: number[], ys: number[], x: number): number {
  // xs ascending; returns NaN outside [xs[0], xs[last]].
  if (!xs.length || x < xs[0] || x > xs[xs.length - 1]) return Number.NaN;
  let lo = 0, hi = xs.length - 1;
  while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (xs[mid] <= x) lo = mid; else hi = mid; }
  if (xs[lo] === x) return ys[lo];
  if (xs[hi] === x) return ys[hi];
  const t = (x - xs[lo]) / (xs[hi] - xs[lo]);
  return ys[lo] + t * (ys[hi] - ys[lo]);
}

function sortedMember(m: Member): Member {
  const idx = m.x.map((_, i) => i).filter((i) => Number.isFinite(m.x[i]) && Number.isFinite(m.y[i]));
  idx.sort((a, b) => m.x[a] - m.x[b]);
  return { x: idx.map((i) => m.x[i]), y: idx.map((i) => m.y[i]) };
}

export function reduceGroup(members: Member[], agg: Aggregate, band: Band): Reduced {
  const ms = members.map(sortedMember).filter((m) => m.x.length > 0);
  let grid = [...new Set(ms.flatMap((m) => m.x))].sort((a, b) => a - b);
  if (grid.length > MAX_GRID) {
    const step = grid.length / MAX_GRID;
    grid = Array.from({ length: MAX_GRID }, (_, i) => grid[Math.floor(i * step)]).concat(grid[grid.length - 1]);
  }
  const out: Reduced = { x: [], center: [], lo: [], hi: [], n: [] };
  for (const x of grid) {
    const vals = ms.map((m) => interp(m.x, m.y, x)).filter((v) => Number.isFinite(v));
    if (!vals.length) continue;
    const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
    let center = mean;
    if (agg === "median") {
      const s = [...vals].sort((a, b) => a - b);
      const h = s.length >> 1;
      center = s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
    }
    let lo = center, hi = center;
    if (band === "minmax") { lo = Math.min(...vals); hi = Math.max(...vals); }
    else if (band === "std") {
      const sd = Math.sqrt(vals.reduce((a, v) => a + (v - mean) ** 2, 0) / vals.length);
      lo = center - sd; hi = center + sd;
    }
    out.x.push(x); out.center.push(center); out.lo.push(lo); out.hi.push(hi); out.n.push(vals.length);
  }
  return out;
}

// The group a run belongs to: the value of a hyperparameter (`hp:lr`), its first user tag
// (`tag`), or its name with every match of a pattern removed (`re:_seed\d+`: seeds of one
// config fall together).
export function groupKey(by: string, run: string, hparams: Record<string, unknown>, tags: string[]): string {
  if (by.startsWith("hp:")) {
    const v = hparams[by.slice(3)];
    return v === undefined ? "(none)" : `${by.slice(3)}=${String(v)}`;
  }
  if (by === "tag") return tags[0] ?? "(untagged)";
  if (by.startsWith("re:")) {
    try { return run.replace(new RegExp(by.slice(3), "g"), "") || run; } catch { return run; }
  }
  return run;
}
