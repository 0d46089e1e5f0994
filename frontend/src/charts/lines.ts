// Series -> chart lines: the x axis (step, relative time, wall time, or another scalar of the
// same run read at each step), smoothing, and runs folded into groups (center line + band).
import type { Series } from "../api/client";
import type { XAxis } from "../core/urlState";
import { type Aggregate, type Band, reduceGroup } from "./groups";
import type { Line } from "./LineChart";
import { smooth } from "./smoothing";
import { hashName, PALETTE } from "../core/colors";

// The value of `xs` (another scalar of the run) at each of `steps`: exact where it was logged
// at that step, linearly interpolated between its points, NaN outside its steps (not drawn).
export function valueAtSteps(steps: number[], xs: Series): number[] {
  const idx = xs.step.map((_, i) => i).filter((i) => Number.isFinite(xs.value[i]));
  idx.sort((a, b) => xs.step[a] - xs.step[b]);
  const s = idx.map((i) => xs.step[i]);
  const v = idx.map((i) => xs.value[i]);
  return steps.map((step) => {
    if (!s.length || step < s[0] || step > s[s.length - 1]) return Number.NaN;
    let lo = 0, hi = s.length - 1;
    while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (s[mid] <= step) lo = mid; else hi = mid; }
    if (s[lo] === step) return v[lo];
    if (s[hi] === step) return v[hi];
    return v[lo] + ((step - s[lo]) / (s[hi] - s[lo])) * (v[hi] - v[lo]);
  });
}

export function xAxisLines(
  series: Series[], axis: XAxis, xSeries: Series[] | null, smoothing: number,
  colors: Record<string, string>, labels: Record<string, string>,
): Line[] {
  return series.map((s) => {
    const t0 = s.wall_time.length ? s.wall_time[0] : 0;
    let x: number[];
    if (axis === "step") x = s.step;
    else if (axis === "relative") x = s.wall_time.map((w) => w - t0);
    else if (axis === "wall") x = s.wall_time;
    else {
      const xs = xSeries?.find((o) => o.run === s.run);
      x = xs ? valueAtSteps(s.step, xs) : s.step.map(() => Number.NaN);
    }
    return {
      key: s.run, label: labels[s.run] || s.run, color: colors[s.run] ?? "#888", x, y: s.value,
      smoothed: smooth(s.value, smoothing), steps: s.step, walls: s.wall_time,
    };
  });
}

export function groupColor(group: string): string {
  return PALETTE[hashName(`group:${group}`) % PALETTE.length];
}

// Runs of one group become one line: the center of their smoothed values, a band around it,
// and the center of their raw values as the faint line.
export function groupLines(
  runLines: Line[], groups: Record<string, string>, agg: Aggregate, band: Band, smoothing: number,
  colors: Record<string, string>,
): Line[] {
  const members = new Map<string, Line[]>();
  for (const l of runLines) {
    const g = groups[l.key ?? l.label] ?? l.label;
    members.set(g, [...(members.get(g) ?? []), l]);
  }
  return [...members.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([g, ls]) => {
    const sm = reduceGroup(ls.map((l) => ({ x: l.x, y: smoothing > 0 ? l.smoothed : l.y })), agg, band);
    const raw = reduceGroup(ls.map((l) => ({ x: l.x, y: l.y })), agg, "none");
    const rawAt = new Map(raw.x.map((x, i) => [x, raw.center[i]]));
    // A group takes the color of its first run (by name), so "adam" stays adam_seed0's blue.
    const first = [...ls].sort((a, b) => (a.key ?? a.label).localeCompare(b.key ?? b.label))[0];
    const color = colors[first.key ?? ""] ?? groupColor(g);
    const stepAt = new Map<number, number>();
    const wallAt = new Map<number, number>();
    for (const l of ls) l.x.forEach((x, i) => { if (!stepAt.has(x)) { stepAt.set(x, l.steps[i]); wallAt.set(x, l.walls[i]); } });
    return {
      key: g, label: g, color, note: `(${ls.length} run${ls.length === 1 ? "" : "s"})`,
      x: sm.x, y: sm.x.map((x) => rawAt.get(x) ?? Number.NaN), smoothed: sm.center,
      steps: sm.x.map((x) => stepAt.get(x) ?? Number.NaN), walls: sm.x.map((x) => wallAt.get(x) ?? Number.NaN),
      band: band === "none" ? undefined : { lo: sm.lo, hi: sm.hi },
    };
  });
}
