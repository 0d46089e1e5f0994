// One run's histograms over time on a canvas. Offset mode: a ridge of one slice per step,
// oldest at the back (top), newest in front, placed by step, relative or wall time (so a gap in
// logging shows as a gap); overlay mode: every slice as a line on one axis, older ones fainter.
// Colored by run, or by step (a light-to-dark ramp: old to new). Round tick values on both axes.
// Hover names the step and the bucket under the pointer.
import { useEffect, useRef, useState } from "preact/hooks";
import type { Histograms } from "../../api/client";
import { fmtDate, fmtDuration, fmtValue } from "../../charts/LineChart";
import { niceStep, niceTicks, tickLabel } from "../../charts/ticks";
import { type Bucket, range, rebin } from "./rebin";

const BINS = 60;
const PAD = { left: 48, right: 12, top: 10, bottom: 22 };

export type OffsetAxis = "step" | "relative" | "wall";

// Old -> new: light to dark (viridis-like stops), for "color by step".
const RAMP = [[253, 231, 37], [94, 201, 98], [33, 145, 140], [59, 82, 139], [68, 1, 84]];
export function stepColor(t: number): string {
  const x = Math.min(1, Math.max(0, t)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x));
  const f = x - i;
  const c = RAMP[i].map((a, k) => Math.round(a + f * (RAMP[i + 1][k] - a)));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

export function HistogramChart(props: {
  data: Histograms; color: string; mode: "offset" | "overlay"; dark: boolean; height?: number;
  offset?: OffsetAxis; colorBy?: "run" | "step";
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [hover, setHover] = useState<string | null>(null);
  const height = props.height ?? 260;
  const n = props.data.step.length;
  const span = range(props.data.buckets as Bucket[][]);
  const grids = span ? props.data.buckets.map((b) => rebin(b as Bucket[], span[0], span[1], BINS)) : [];
  const maxCount = Math.max(1e-12, ...grids.flat());

  const offset = props.offset ?? "step";
  // Where each slice sits on the offset axis: its step, or its time.
  const t0 = n ? props.data.wall_time[0] : 0;
  const along = (i: number) => (offset === "step" ? props.data.step[i] : props.data.wall_time[i] - (offset === "relative" ? t0 : 0));
  const a0 = n ? along(0) : 0, a1 = n ? along(n - 1) : 1;
  const frac = (v: number) => (a1 > a0 ? (v - a0) / (a1 - a0) : n > 1 ? 0 : 1);
  const geometry = (w: number) => {
    const plotW = w - PAD.left - PAD.right;
    const plotH = height - PAD.top - PAD.bottom;
    const sliceH = props.mode === "offset" ? Math.min(plotH * 0.45, 70) : plotH;
    const baseAt = (v: number) => PAD.top + sliceH + frac(v) * (plotH - sliceH);
    const baseline = (i: number) => (props.mode === "offset" ? baseAt(along(i)) : PAD.top + plotH);
    return { plotW, plotH, sliceH, baseline, baseAt };
  };

  useEffect(() => {
    const c = canvas.current;
    if (!c || !span) return;
    const dpr = window.devicePixelRatio || 1;
    const w = c.clientWidth || 400;
    c.width = w * dpr; c.height = height * dpr;
    const ctx = c.getContext("2d")!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, height);
    const { plotW, sliceH, baseline, baseAt } = geometry(w);
    const xOf = (bin: number) => PAD.left + (bin / BINS) * plotW;
    const byStep = props.colorBy === "step";
    const fg = props.dark ? "#c9d1d9" : "#444";
    for (let i = 0; i < n; i++) {
      const g = grids[i];
      const base = baseline(i);
      const age = n > 1 ? i / (n - 1) : 1;
      const color = byStep ? stepColor(frac(along(i))) : props.color;
      ctx.beginPath();
      ctx.moveTo(xOf(0), base);
      for (let b = 0; b < BINS; b++) ctx.lineTo(xOf(b + 0.5), base - (g[b] / maxCount) * sliceH);
      ctx.lineTo(xOf(BINS), base);
      if (props.mode === "offset") {
        ctx.fillStyle = color;
        ctx.globalAlpha = byStep ? 0.55 : props.dark ? 0.33 : 0.25;
        ctx.fill();
        ctx.globalAlpha = 1;
        ctx.strokeStyle = props.dark ? "#0f1115" : "#fff";
        ctx.lineWidth = 1;
        ctx.stroke();
        ctx.strokeStyle = color;
        ctx.globalAlpha = byStep ? 1 : 0.35 + 0.65 * age;
        ctx.stroke();
        ctx.globalAlpha = 1;
      } else {
        ctx.strokeStyle = color;
        ctx.globalAlpha = byStep ? 0.9 : 0.15 + 0.85 * age;
        ctx.lineWidth = i === n - 1 ? 2 : 1;
        ctx.stroke();
        ctx.globalAlpha = 1;
      }
    }
    ctx.fillStyle = fg;
    ctx.font = "11px system-ui, sans-serif";
    ctx.textAlign = "center";
    // Value axis: round ticks (what the canvas shows is also in data-x-ticks, for tests and
    // screen readers).
    const count = Math.max(2, Math.floor(plotW / 80));
    const step = niceStep(span[1] - span[0], count);
    const xTicks = niceTicks(span[0], span[1], count);
    ctx.textAlign = "center";
    for (const v of xTicks) {
      const x = PAD.left + ((v - span[0]) / (span[1] - span[0])) * plotW;
      ctx.fillText(tickLabel(v, step), x, height - 6);
      ctx.fillRect(x, height - PAD.bottom + 1, 1, 4);
    }
    c.dataset.xTicks = xTicks.map((v) => tickLabel(v, step)).join("|");
    if (props.mode === "offset" && n > 0) {
      // Offset axis: round steps, or durations / clock times, at their place.
      ctx.textAlign = "right";
      const yTicks = offset === "step" ? niceTicks(a0, a1, 4) : a1 > a0 ? [0, 1 / 3, 2 / 3, 1].map((q) => a0 + q * (a1 - a0)) : [a0];
      const label = (v: number) => (offset === "step" ? String(v) : offset === "relative" ? fmtDuration(v) : fmtDate(v).slice(11, 16));
      for (const v of yTicks) ctx.fillText(label(v), PAD.left - 6, baseAt(v));
      c.dataset.yTicks = yTicks.map(label).join("|");
    }
  }, [props.data, props.mode, props.color, props.dark, height, offset, props.colorBy]);

  const onMove = (e: MouseEvent) => {
    const c = canvas.current;
    if (!c || !span || n === 0) return;
    const rect = c.getBoundingClientRect();
    const x = e.clientX - rect.left, y = e.clientY - rect.top;
    const { plotW, baseline } = geometry(rect.width);
    const bin = Math.floor(((x - PAD.left) / plotW) * BINS);
    if (bin < 0 || bin >= BINS) { setHover(null); return; }
    let i = n - 1;
    if (props.mode === "offset") {
      let best = Infinity;
      for (let k = 0; k < n; k++) { const d = Math.abs(baseline(k) - 8 - y); if (d < best) { best = d; i = k; } }
    }
    const width = (span[1] - span[0]) / BINS;
    const lo = span[0] + bin * width;
    const raw = (props.data.buckets[i] as Bucket[]).find(([l, r]) => l <= lo + width / 2 && lo + width / 2 <= r);
    const when = offset === "step" ? "" : ` (${offset === "relative" ? fmtDuration(along(i)) : fmtDate(props.data.wall_time[i])})`;
    setHover(`step ${props.data.step[i]}${when} · [${fmtValue(lo)}, ${fmtValue(lo + width)}): ${grids[i][bin].toFixed(1)}` +
      (raw ? ` · bucket [${fmtValue(raw[0])}, ${fmtValue(raw[1])}] count ${raw[2]}` : ""));
  };

  if (!span) return <div class="muted">no values</div>;
  return (
    <div class="histogram">
      <canvas ref={canvas} style={{ width: "100%", height: `${height}px` }} onMouseMove={onMove} onMouseLeave={() => setHover(null)} />
      <div class="hover-line muted">{hover ?? "\u00a0"}</div>
    </div>
  );
}
