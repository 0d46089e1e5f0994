// One run's histograms over time on a canvas. Offset mode: a ridge of one slice per step,
// oldest at the back (top), newest in front; overlay mode: every slice as a line on one axis,
// older ones fainter. Hover names the step and the bucket under the pointer.
import { useEffect, useRef, useState } from "preact/hooks";
import type { Histograms } from "../../api/client";
import { fmtValue } from "../../charts/LineChart";
import { type Bucket, range, rebin } from "./rebin";

const BINS = 60;
const PAD = { left: 48, right: 12, top: 10, bottom: 22 };

export function HistogramChart(props: { data: Histograms; color: string; mode: "offset" | "overlay"; dark: boolean; height?: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [hover, setHover] = useState<string | null>(null);
  const height = props.height ?? 260;
  const n = props.data.step.length;
  const span = range(props.data.buckets as Bucket[][]);
  const grids = span ? props.data.buckets.map((b) => rebin(b as Bucket[], span[0], span[1], BINS)) : [];
  const maxCount = Math.max(1e-12, ...grids.flat());

  const geometry = (w: number) => {
    const plotW = w - PAD.left - PAD.right;
    const plotH = height - PAD.top - PAD.bottom;
    const sliceH = props.mode === "offset" ? Math.min(plotH * 0.45, 70) : plotH;
    const baseline = (i: number) => props.mode === "offset"
      ? PAD.top + sliceH + (n > 1 ? (i / (n - 1)) * (plotH - sliceH) : plotH - sliceH)
      : PAD.top + plotH;
    return { plotW, plotH, sliceH, baseline };
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
    const { plotW, sliceH, baseline } = geometry(w);
    const xOf = (bin: number) => PAD.left + (bin / BINS) * plotW;
    const fg = props.dark ? "#c9d1d9" : "#444";
    for (let i = 0; i < n; i++) {
      const g = grids[i];
      const base = baseline(i);
      const age = n > 1 ? i / (n - 1) : 1;
      ctx.beginPath();
      ctx.moveTo(xOf(0), base);
      for (let b = 0; b < BINS; b++) ctx.lineTo(xOf(b + 0.5), base - (g[b] / maxCount) * sliceH);
      ctx.lineTo(xOf(BINS), base);
      if (props.mode === "offset") {
        ctx.fillStyle = props.color + (props.dark ? "55" : "40");
        ctx.fill();
        ctx.strokeStyle = props.dark ? "#0f1115" : "#fff";
        ctx.lineWidth = 1;
        ctx.stroke();
        ctx.strokeStyle = props.color;
        ctx.globalAlpha = 0.35 + 0.65 * age;
        ctx.stroke();
        ctx.globalAlpha = 1;
      } else {
        ctx.strokeStyle = props.color;
        ctx.globalAlpha = 0.15 + 0.85 * age;
        ctx.lineWidth = i === n - 1 ? 2 : 1;
        ctx.stroke();
        ctx.globalAlpha = 1;
      }
    }
    ctx.fillStyle = fg;
    ctx.font = "11px system-ui, sans-serif";
    ctx.textAlign = "center";
    for (let t = 0; t <= 4; t++) {
      const v = span[0] + ((span[1] - span[0]) * t) / 4;
      ctx.textAlign = t === 0 ? "left" : t === 4 ? "right" : "center";
      ctx.fillText(fmtValue(v), PAD.left + (t / 4) * plotW, height - 6);
    }
    if (props.mode === "offset" && n > 0) {
      ctx.textAlign = "right";
      ctx.fillText(String(props.data.step[0]), PAD.left - 6, baseline(0));
      ctx.fillText(String(props.data.step[n - 1]), PAD.left - 6, baseline(n - 1));
    }
  }, [props.data, props.mode, props.color, props.dark, height]);

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
    setHover(`step ${props.data.step[i]} · [${fmtValue(lo)}, ${fmtValue(lo + width)}): ${grids[i][bin].toFixed(1)}` +
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
