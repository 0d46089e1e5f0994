// The one uPlot wrapper every line chart uses: runs drawn smoothed over their faint raw
// line, hover tooltip sorted by value, drag to zoom, double-click to reset, zoom kept when
// new data arrives.
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface Line {
  label: string;
  color: string;
  x: number[];        // step, relative seconds or wall seconds
  y: number[];        // raw values
  smoothed: number[];
  steps: number[];
  walls: number[];
  dash?: number[];    // line dash pattern (several tags of one run in one chart)
}

export interface ChartOptions {
  xType: "step" | "relative" | "wall";
  logX: boolean;
  logY: boolean;
  ignoreOutliers: boolean;
  dark: boolean;
  height: number;
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

export function fmtValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  // Five significant digits without padding zeros: 0.1, not 0.10000; 1.2346e-5 stays exact enough.
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(4).replace(/\.?0+e/, "e") : String(Number(v.toPrecision(5)));
}

function nearest(xs: number[], x: number): number {
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
    const keep = (i: number) => (!opts.logX || l.x[i] > 0);
    const idx = l.x.map((_, i) => i).filter(keep);
    const clean = (v: number) => (Number.isFinite(v) && (!opts.logY || v > 0) ? v : null);
    // uPlot wants ascending x: points logged out of order are sorted for drawing.
    idx.sort((a, b) => l.x[a] - l.x[b]);
    return [idx.map((i) => l.x[i]), idx.map((i) => clean(l.y[i])), idx.map((i) => clean(l.smoothed[i]))];
  });
  if (tables.length === 0) return [[]];
  return uPlot.join(tables);
}

export function LineChart(props: { lines: Line[]; opts: ChartOptions; handle?: (h: ChartHandle) => void }) {
  const host = useRef<HTMLDivElement>(null);
  const tip = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const zoomed = useRef(false);
  const linesRef = useRef(props.lines);
  linesRef.current = props.lines;
  const { xType, logX, logY, ignoreOutliers, dark, height } = props.opts;
  const seriesKey = props.lines.map((l) => `${l.label}|${l.color}|${l.dash ?? ""}`).join(",");

  useEffect(() => {
    const el = host.current!;
    const axisColor = dark ? "#c9d1d9" : "#444";
    const gridColor = dark ? "rgba(255,255,255,0.08)" : "rgba(0,0,0,0.07)";
    // The axes are drawn on a canvas: the tick labels it shows are also put in the chart's
    // aria-label (and data-x-ticks / data-y-ticks), for screen readers and tests.
    const ticks: Record<"x" | "y", string[]> = { x: [], y: [] };
    const readable = (axis: "x" | "y", labels: string[]): string[] => {
      ticks[axis] = labels.filter((l) => l !== "");
      el.dataset[axis === "x" ? "xTicks" : "yTicks"] = ticks[axis].join(" ");
      el.setAttribute("aria-label", `chart; x axis ${ticks.x.join(", ") || "time"}; y axis ${ticks.y.join(", ")}`);
      return labels;
    };
    const series: uPlot.Series[] = [{}];
    for (const l of props.lines) {
      series.push({ label: `${l.label} (raw)`, stroke: l.color + "40", width: 1, spanGaps: true, dash: l.dash, points: { show: false } });
      // A series of a few points (a final metric, an eval every epoch) shows its points.
      series.push({ label: l.label, stroke: l.color, width: 1.6, spanGaps: true, dash: l.dash, points: { show: l.x.length <= 24, size: 6, fill: l.color } });
    }
    const opts: uPlot.Options = {
      width: el.clientWidth || 400,
      height,
      series,
      legend: { show: false },
      cursor: { drag: { x: true, y: true, uni: 20 }, points: { show: false } },
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
          values: xType === "wall" ? undefined
            : (_u, ticks) => readable("x", ticks.map((t) => (t == null ? "" : xType === "relative" ? fmtDuration(t) : uPlot.fmtNum(t)))),
        },
        { stroke: axisColor, grid: { stroke: gridColor }, size: 60, values: (_u, ticks) => readable("y", ticks.map((t) => (t == null ? "" : uPlot.fmtNum(t)))) },
      ],
      hooks: {
        setSelect: [() => { zoomed.current = true; }],
        setCursor: [(u) => {
          const t = tip.current;
          if (!t) return;
          const left = u.cursor.left ?? -1;
          if (left < 0) { t.style.display = "none"; return; }
          const x = u.posToVal(left, "x");
          const rows = linesRef.current.map((l) => {
            const i = nearest(l.x, x);
            return i < 0 ? null : { l, i };
          }).filter((r): r is { l: Line; i: number } => r !== null);
          rows.sort((a, b) => b.l.smoothed[b.i] - a.l.smoothed[a.i]);
          t.innerHTML = "";
          const table = document.createElement("table");
          const head = table.insertRow();
          for (const h of ["", "run", "smoothed", "value", "step", "time"]) {
            const th = document.createElement("th"); th.textContent = h; head.appendChild(th);
          }
          for (const { l, i } of rows.slice(0, 12)) {
            const tr = table.insertRow();
            const sw = tr.insertCell(); const dot = document.createElement("span");
            dot.className = "swatch"; dot.style.background = l.color; sw.appendChild(dot);
            tr.insertCell().textContent = l.label;
            tr.insertCell().textContent = fmtValue(l.smoothed[i]);
            tr.insertCell().textContent = fmtValue(l.y[i]);
            tr.insertCell().textContent = String(l.steps[i]);
            tr.insertCell().textContent = new Date(l.walls[i] * 1000).toLocaleTimeString();
          }
          t.appendChild(table);
          t.style.display = rows.length ? "block" : "none";
          const w = el.clientWidth;
          t.style.left = `${Math.min(left + 70, Math.max(0, w - 340))}px`;
        }],
      },
    };
    const u = new uPlot(opts, buildData(props.lines, props.opts), el);
    u.over.addEventListener("dblclick", () => { zoomed.current = false; u.setData(u.data, true); });
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

  return (
    <div class="chart-host" ref={host} role="img">
      <div class="tooltip" ref={tip} style={{ display: "none" }} />
    </div>
  );
}
