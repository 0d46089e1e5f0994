// The one uPlot wrapper every line chart uses: runs (or run groups, with a shaded band) drawn
// smoothed over their faint raw line; a tooltip with value, step, relative and date-time,
// sorted as chosen, a row limit, kept inside the window; drag to zoom, double-click to reset,
// zoom kept when new data arrives; click to pin a step, shift-drag to select a step range.
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { distinctLabels, plainNumber } from "./ticks";

export interface Line {
  key?: string;       // the run (or group) the line draws; label is what users read
  label: string;
  color: string;
  x: number[];        // step, relative seconds, wall seconds or another scalar's value
  y: number[];        // raw values (a group's center line)
  smoothed: number[];
  steps: number[];
  walls: number[];
  dash?: number[];    // line dash pattern (several tags of one run in one chart)
  band?: { lo: number[]; hi: number[] }; // a group's band (min–max or ± std)
  note?: string;      // shown after the label in the tooltip (a group's run count)
}

export type XType = "step" | "relative" | "wall" | "value";

export interface ChartOptions {
  xType: XType;
  xLabel?: string;    // xType "value": the scalar on the x axis
  logX: boolean;
  logY: boolean;
  ignoreOutliers: boolean;
  dark: boolean;
  height: number;
  pinX?: number | null;               // where the pinned step is, in x units
  rangeX?: [number, number] | null;   // the selected step range, in x units
  tipSort?: "value" | "nearest" | "name";
  tipRows?: number;
}

export interface ChartHandle { fit: () => void }

function percentileRange(lines: Line[], logY: boolean): [number, number] | null {
  const vals: number[] = [];
  for (const l of lines) for (const v of l.smoothed) if (Number.isFinite(v) && (!logY || v > 0)) vals.push(v);
  if (vals.length < 10) return null;
  vals.sort((a, b) => a - b);
  const lo = vals[Math.floor(0.05 * (vals.length - 1))];
  const hi = vals[Math.ceil(0.95 * (vals.length - 1))];
  const pad = (hi - lo) * 0.1 || Math.abs(hi) * 0.1 || 1;
  return logY ? [lo / 1.2, hi * 1.2] : [lo - pad, hi + pad];
}

export function fmtDuration(s: number): string {
  if (s < 60) return `${s.toFixed(1)}s`;
  if (s < 3600) return `${(s / 60).toFixed(1)}m`;
  return `${(s / 3600).toFixed(2)}h`;
}

// Relative-time tick labels in one unit for the whole axis (s, m or h), all distinct.
export function durationLabels(ticks: number[], incr: number): string[] {
  const max = Math.max(0, ...ticks.filter(Number.isFinite).map(Math.abs));
  const [unit, suffix] = max < 60 ? [1, "s"] : max < 3600 ? [60, "m"] : [3600, "h"];
  return distinctLabels(ticks.map((t) => t / unit), incr / unit, (v, d) => `${plainNumber(v, d)}${suffix}`);
}

// Wall-clock tick labels (seconds since the epoch, local time): as fine as the spacing needs —
// days, then hours and minutes, then seconds — with the date where a day changes; all distinct.
export function wallLabels(ticks: number[], incr: number): string[] {
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  const formats: ((d: Date) => string)[] = [
    (d) => `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`,
    (d) => `${p(d.getHours())}:${p(d.getMinutes())}`,
    (d) => `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`,
    (d) => `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`,
  ];
  let f = incr >= 86400 ? 0 : incr >= 60 ? 1 : incr >= 1 ? 2 : 3;
  for (;; f++) {
    let day = "";
    const labels = ticks.map((t) => {
      if (!Number.isFinite(t)) return "";
      const d = new Date(t * 1000);
      if (f === 0) return formats[0](d);
      const today = formats[0](d);
      const text = day && today === day ? formats[f](d) : `${formats[f](d)}\n${today.slice(5)}`;
      day = today;
      return text;
    });
    const shown = labels.filter((l) => l !== "");
    if (new Set(shown).size === shown.length || f === formats.length - 1) return labels;
  }
}

export function fmtValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  // Five significant digits without padding zeros: 0.1, not 0.10000; 1.2346e-5 stays exact enough.
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(4).replace(/\.?0+e/, "e") : String(Number(v.toPrecision(5)));
}

// "2026-12-02 07:15:03": one unambiguous form for tables and tooltips.
export function fmtDate(wall: number): string {
  const d = new Date(wall * 1000);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function nearest(xs: number[], x: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  if (hi < 0) return -1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] < x) lo = mid; else hi = mid;
  }
  return Math.abs(xs[lo] - x) <= Math.abs(xs[hi] - x) ? lo : hi;
}

function buildData(lines: Line[], opts: ChartOptions): uPlot.AlignedData {
  const tables: uPlot.AlignedData[] = lines.map((l) => {
    const keep = (i: number) => Number.isFinite(l.x[i]) && (!opts.logX || l.x[i] > 0);
    const idx = l.x.map((_, i) => i).filter(keep);
    const clean = (v: number) => (Number.isFinite(v) && (!opts.logY || v > 0) ? v : null);
    // uPlot wants ascending x: points logged out of order are sorted for drawing.
    idx.sort((a, b) => l.x[a] - l.x[b]);
    const cols = [idx.map((i) => l.x[i]), idx.map((i) => clean(l.y[i])), idx.map((i) => clean(l.smoothed[i]))];
    if (l.band) cols.push(idx.map((i) => clean(l.band!.lo[i])), idx.map((i) => clean(l.band!.hi[i])));
    return cols as uPlot.AlignedData;
  });
  if (tables.length === 0) return [[]];
  return uPlot.join(tables);
}

export function LineChart(props: {
  lines: Line[]; opts: ChartOptions; handle?: (h: ChartHandle) => void;
  onPick?: (line: Line, index: number) => void;                       // a click: pin that point's step
  onRange?: (from: { line: Line; index: number }[], to: { line: Line; index: number }[]) => void; // shift-drag
}) {
  const host = useRef<HTMLDivElement>(null);
  const tip = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const zoomed = useRef(false);
  const linesRef = useRef(props.lines);
  linesRef.current = props.lines;
  const optsRef = useRef(props.opts);
  optsRef.current = props.opts;
  const cbRef = useRef({ onPick: props.onPick, onRange: props.onRange });
  cbRef.current = { onPick: props.onPick, onRange: props.onRange };
  const { xType, logX, logY, ignoreOutliers, dark, height } = props.opts;
  const seriesKey = props.lines.map((l) => `${l.label}|${l.color}|${l.dash ?? ""}|${l.band ? 1 : 0}`).join(",");

  useEffect(() => {
    const el = host.current!;
    const axisColor = dark ? "#c9d1d9" : "#444";
    const gridColor = dark ? "rgba(255,255,255,0.08)" : "rgba(0,0,0,0.07)";
    // The axes are drawn on a canvas: the tick labels it shows are also put in the chart's
    // aria-label (and data-x-ticks / data-y-ticks, "|"-separated), for screen readers and tests.
    const ticks: Record<"x" | "y", string[]> = { x: [], y: [] };
    const readable = (axis: "x" | "y", labels: string[]): string[] => {
      ticks[axis] = labels.filter((l) => l !== "");
      el.dataset[axis === "x" ? "xTicks" : "yTicks"] = ticks[axis].join("|");
      el.setAttribute("aria-label", `chart; x axis ${ticks.x.join(", ").replace(/\n/g, " ") || "time"}; y axis ${ticks.y.join(", ")}`);
      return labels;
    };
    const series: uPlot.Series[] = [{}];
    const bands: uPlot.Band[] = [];
    for (const l of props.lines) {
      series.push({ label: `${l.label} (raw)`, stroke: l.color + "40", width: 1, spanGaps: true, dash: l.dash, points: { show: false } });
      // A series of a few points (a final metric, an eval every epoch) shows its points.
      series.push({ label: l.label, stroke: l.color, width: 1.6, spanGaps: true, dash: l.dash, points: { show: l.x.length <= 24, size: 6, fill: l.color } });
      if (l.band) {
        series.push({ label: `${l.label} (low)`, stroke: l.color + "55", width: 0.5, spanGaps: true, points: { show: false } });
        series.push({ label: `${l.label} (high)`, stroke: l.color + "55", width: 0.5, spanGaps: true, points: { show: false } });
        bands.push({ series: [series.length - 1, series.length - 2], fill: l.color + "30" });
      }
    }
    // Where a mouse press started: a press and release on the same spot is a click (pin).
    let down: { x: number; y: number; shift: boolean } | null = null;
    const picked = (u: uPlot, left: number) => {
      const x = u.posToVal(left, "x");
      return linesRef.current.map((line) => ({ line, index: nearest(line.x, x) })).filter((p) => p.index >= 0);
    };
    const opts: uPlot.Options = {
      width: el.clientWidth || 400,
      height,
      series,
      bands,
      legend: { show: false },
      cursor: { drag: { x: true, y: true, uni: 20, setScale: false }, points: { show: false } },
      scales: {
        x: { time: xType === "wall", distr: logX ? 3 : 1 },
        y: {
          distr: logY ? 3 : 1,
          range: (_u, min, max): uPlot.Range.MinMax => {
            if (ignoreOutliers && !zoomed.current) {
              const r = percentileRange(linesRef.current, logY);
              if (r) return r;
            }
            return uPlot.rangeNum(min, max, 0.1, true);
          },
        },
      },
      axes: [
        {
          stroke: axisColor, grid: { stroke: gridColor },
          values: (_u, ticks, _i, _space, incr) => readable("x",
            xType === "wall" ? wallLabels(ticks, incr) : xType === "relative" ? durationLabels(ticks, incr) : distinctLabels(ticks, incr)),
        },
        { stroke: axisColor, grid: { stroke: gridColor }, size: 60, values: (_u, ticks, _i, _space, incr) => readable("y", distinctLabels(ticks, incr)) },
      ],
      hooks: {
        setSelect: [(u) => {
          const s = u.select;
          if (s.width < 3 && s.height < 3) return;
          if (down?.shift) {
            // Shift-drag: a step range, not a zoom.
            cbRef.current.onRange?.(picked(u, s.left), picked(u, s.left + s.width));
          } else {
            zoomed.current = true;
            u.batch(() => {
              if (s.width >= 3) u.setScale("x", { min: u.posToVal(s.left, "x"), max: u.posToVal(s.left + s.width, "x") });
              if (s.height >= 3) u.setScale("y", { min: u.posToVal(s.top + s.height, "y"), max: u.posToVal(s.top, "y") });
            });
          }
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
        }],
        draw: [(u) => {
          // The pinned step and the selected range, on every chart.
          const o = optsRef.current;
          const ctx = u.ctx;
          const { top, height: h, left: l0, width: w } = u.bbox;
          ctx.save();
          if (o.rangeX) {
            const a = Math.max(l0, u.valToPos(o.rangeX[0], "x", true));
            const b = Math.min(l0 + w, u.valToPos(o.rangeX[1], "x", true));
            if (b > a) { ctx.fillStyle = dark ? "rgba(120,160,255,0.12)" : "rgba(30,90,220,0.08)"; ctx.fillRect(a, top, b - a, h); }
          }
          if (o.pinX != null && Number.isFinite(o.pinX)) {
            const px = u.valToPos(o.pinX, "x", true);
            if (px >= l0 && px <= l0 + w) {
              ctx.strokeStyle = dark ? "#ffd43b" : "#e8590c";
              ctx.lineWidth = 1.5 * devicePixelRatio;
              ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
              ctx.beginPath(); ctx.moveTo(px, top); ctx.lineTo(px, top + h); ctx.stroke();
            }
          }
          ctx.restore();
        }],
        setCursor: [(u) => {
          const t = tip.current;
          if (!t) return;
          const left = u.cursor.left ?? -1;
          if (left < 0) { t.style.display = "none"; return; }
          const o = optsRef.current;
          const x = u.posToVal(left, "x");
          const rows = linesRef.current.map((l) => {
            const i = nearest(l.x, x);
            return i < 0 ? null : { l, i };
          }).filter((r): r is { l: Line; i: number } => r !== null);
          const sort = o.tipSort ?? "value";
          if (sort === "value") rows.sort((a, b) => (b.l.smoothed[b.i] || -Infinity) - (a.l.smoothed[a.i] || -Infinity));
          else if (sort === "name") rows.sort((a, b) => a.l.label.localeCompare(b.l.label));
          else {
            // Nearest to the pointer, in pixels.
            const top = u.cursor.top ?? 0;
            const dist = (r: { l: Line; i: number }) => Math.hypot(u.valToPos(r.l.x[r.i], "x") - left, u.valToPos(r.l.smoothed[r.i], "y") - top) || Infinity;
            rows.sort((a, b) => dist(a) - dist(b));
          }
          const limit = o.tipRows ?? 12;
          t.textContent = "";
          const table = document.createElement("table");
          const head = table.insertRow();
          const cols = ["", "run", "smoothed", "value", "step", "relative", "time"];
          if (o.xType === "value") cols.splice(5, 0, o.xLabel ?? "x");
          for (const h of cols) { const th = document.createElement("th"); th.textContent = h; head.appendChild(th); }
          for (const { l, i } of rows.slice(0, limit)) {
            const tr = table.insertRow();
            const sw = tr.insertCell(); const dot = document.createElement("span");
            dot.className = "swatch"; dot.style.background = l.color; sw.appendChild(dot);
            tr.insertCell().textContent = l.note ? `${l.label} ${l.note}` : l.label;
            tr.insertCell().textContent = fmtValue(l.smoothed[i]);
            tr.insertCell().textContent = fmtValue(l.y[i]);
            tr.insertCell().textContent = String(l.steps[i]);
            if (o.xType === "value") tr.insertCell().textContent = fmtValue(l.x[i]);
            tr.insertCell().textContent = l.walls.length ? fmtDuration(l.walls[i] - l.walls[0]) : "";
            tr.insertCell().textContent = Number.isFinite(l.walls[i]) ? fmtDate(l.walls[i]) : "";
          }
          if (rows.length > limit) {
            const more = table.insertRow().insertCell();
            more.colSpan = cols.length; more.className = "muted"; more.textContent = `… ${rows.length - limit} more`;
          }
          t.appendChild(table);
          t.style.display = rows.length ? "block" : "none";
          // Fixed to the window: right of the pointer, or left of it where it would not fit;
          // never past the page's edge.
          const box = u.over.getBoundingClientRect();
          const px = box.left + left, py = box.top + (u.cursor.top ?? 0);
          const tw = t.offsetWidth, th = t.offsetHeight;
          let tx = px + 16;
          if (tx + tw > window.innerWidth - 4) tx = Math.max(4, px - 16 - tw);
          const ty = Math.min(Math.max(4, py - th / 2), window.innerHeight - th - 4);
          t.style.left = `${tx}px`;
          t.style.top = `${ty}px`;
        }],
      },
    };
    const u = new uPlot(opts, buildData(props.lines, props.opts), el);
    u.over.addEventListener("dblclick", () => { zoomed.current = false; u.setData(u.data, true); });
    u.over.addEventListener("mousedown", (e) => { down = { x: e.clientX, y: e.clientY, shift: e.shiftKey }; });
    u.over.addEventListener("mouseup", (e) => {
      if (down && Math.abs(e.clientX - down.x) < 3 && Math.abs(e.clientY - down.y) < 3 && cbRef.current.onPick) {
        const box = u.over.getBoundingClientRect();
        const x = u.posToVal(e.clientX - box.left, "x");
        // The point nearest the click, across lines.
        let best: { line: Line; index: number; d: number } | null = null;
        for (const line of linesRef.current) {
          const i = nearest(line.x, x);
          if (i < 0) continue;
          const d = Math.abs(line.x[i] - x);
          if (!best || d < best.d) best = { line, index: i, d };
        }
        if (best) cbRef.current.onPick(best.line, best.index);
      }
      setTimeout(() => { down = null; }, 0);
    });
    u.over.addEventListener("mouseleave", () => { if (tip.current) tip.current.style.display = "none"; });
    plot.current = u;
    props.handle?.({ fit: () => { zoomed.current = false; u.setData(u.data, true); } });
    const ro = new ResizeObserver(() => u.setSize({ width: el.clientWidth, height }));
    ro.observe(el);
    return () => { ro.disconnect(); u.destroy(); plot.current = null; };
  }, [seriesKey, xType, logX, logY, ignoreOutliers, dark, height]);

  useEffect(() => {
    const u = plot.current;
    if (!u) return;
    u.setData(buildData(props.lines, props.opts), !zoomed.current);
  }, [props.lines]);

  useEffect(() => { plot.current?.redraw(false, false); }, [props.opts.pinX, props.opts.rangeX?.[0], props.opts.rangeX?.[1]]);

  return (
    <div class="chart-host" ref={host} role="img" data-pin-x={props.opts.pinX ?? ""}
      data-lines={props.lines.map((l) => l.label).join("|")} data-bands={props.lines.filter((l) => l.band).length}>
      <div class="tooltip line-tip" ref={tip} style={{ display: "none" }} />
    </div>
  );
}

