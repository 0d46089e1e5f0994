// A uPlot chart of lines with shaded bands between pairs of them: distributions (nested
// percentile bands around the median) and custom scalars margin charts (value with its
// lower/upper bounds). Hover lists every line's value at the nearest x.
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import { fmtValue } from "./LineChart";
import { distinctLabels } from "./ticks";

function readable(el: HTMLElement, axis: "x" | "y", labels: string[]): string[] {
  el.dataset[axis === "x" ? "xTicks" : "yTicks"] = labels.filter((l) => l !== "").join("|");
  return labels;
}

export interface BandLine { label: string; y: (number | null)[]; color: string; width: number; show: boolean }
export interface Band { lower: number; upper: number; fill: string }  // indexes into lines

export function BandChart(props: { x: number[]; lines: BandLine[]; bands: Band[]; dark: boolean; height?: number; xTime?: boolean }) {
  const host = useRef<HTMLDivElement>(null);
  const tip = useRef<HTMLDivElement>(null);
  const height = props.height ?? 220;
  useEffect(() => {
    const el = host.current!;
    const axisColor = props.dark ? "#c9d1d9" : "#444";
    const grid = { stroke: props.dark ? "rgba(255,255,255,0.08)" : "rgba(0,0,0,0.07)" };
    const opts: uPlot.Options = {
      width: el.clientWidth || 400,
      height,
      legend: { show: false },
      cursor: { drag: { x: true, y: false }, points: { show: false } },
      scales: { x: { time: !!props.xTime } },
      series: [{}, ...props.lines.map((l) => ({ label: l.label, stroke: l.show ? l.color : "transparent", width: l.width, points: { show: false }, spanGaps: true }))],
      bands: props.bands.map((b) => ({ series: [b.upper + 1, b.lower + 1] as [number, number], fill: b.fill })),
      // Tick labels all distinct (ticks.ts), and readable by screen readers and tests.
      axes: [
        { stroke: axisColor, grid, values: props.xTime ? undefined : (_u, t, _i, _s, incr) => readable(el, "x", distinctLabels(t, incr)) },
        { stroke: axisColor, grid, size: 60, values: (_u, t, _i, _s, incr) => readable(el, "y", distinctLabels(t, incr)) },
      ],
      hooks: {
        setCursor: [(u) => {
          const t = tip.current;
          const i = u.cursor.idx;
          if (!t) return;
          if (i == null || (u.cursor.left ?? -1) < 0) { t.style.display = "none"; return; }
          t.textContent = "";
          const head = document.createElement("div");
          head.textContent = `x = ${props.xTime ? new Date(props.x[i] * 1000).toLocaleString() : props.x[i]}`;
          t.appendChild(head);
          for (const l of props.lines) {
            const row = document.createElement("div");
            const v = l.y[i];
            row.textContent = `${l.label}: ${v == null ? "–" : fmtValue(v)}`;
            t.appendChild(row);
          }
          t.style.display = "block";
          t.style.left = `${Math.min((u.cursor.left ?? 0) + 70, Math.max(0, el.clientWidth - 220))}px`;
        }],
      },
    };
    const u = new uPlot(opts, [props.x, ...props.lines.map((l) => l.y)] as uPlot.AlignedData, el);
    u.over.addEventListener("dblclick", () => u.setData(u.data, true));
    const ro = new ResizeObserver(() => u.setSize({ width: el.clientWidth, height }));
    ro.observe(el);
    return () => { ro.disconnect(); u.destroy(); };
  }, [props.x, props.lines, props.dark, height]);
  return <div class="chart-host" ref={host}><div class="tooltip" ref={tip} style={{ display: "none" }} /></div>;
}
