// The custom scalars dashboard: the layout logged with add_custom_scalars. A category is a
// collapsible group of charts; a multiline chart draws every selected run's scalar tags that
// match one of its regular expressions; a margin chart draws a value with its lower/upper
// band per run.
import { useMemo, useState } from "preact/hooks";
import { api, type Category, type Chart, kinds, type TagsByRun } from "../../api/client";
import { type Line, LineChart } from "../../charts/LineChart";
import { smooth } from "../../charts/smoothing";
import { useFetch, useVisible } from "../../core/hooks";
import type { ViewState } from "../../core/urlState";
import { CardTitle } from "../../core/CardTitle";

interface Common { view: ViewState; generation: number; colors: Record<string, string>; labels: Record<string, string>; scalarTags: TagsByRun; selectedRuns: string[] }

const DASHES: (number[] | undefined)[] = [undefined, [6, 4], [2, 3], [10, 3, 2, 3]];

function regexes(patterns: string[]): RegExp[] {
  return patterns.flatMap((p) => { try { return [new RegExp(`^(?:${p})$`)]; } catch { return []; } });
}

function MultilineChart(props: Common & { chart: Chart }) {
  const pairs = useMemo(() => {
    const res = regexes(props.chart.multiline ?? []);
    const out: { run: string; tag: string }[] = [];
    for (const run of props.selectedRuns) for (const tag of Object.keys(props.scalarTags[run] ?? {})) if (res.some((r) => r.test(tag))) out.push({ run, tag });
    return out;
  }, [props.chart, props.selectedRuns.join("\n"), props.scalarTags]);
  const data = useFetch(pairs.length ? () => api.scalarBatch(pairs, 1000) : null, [pairs, props.generation]);
  const tagsInChart = [...new Set(pairs.map((p) => p.tag))];
  // Another scalar as the x axis is for the scalars dashboard; these charts fall back to steps.
  const axis = props.view.xAxis.startsWith("tag:") ? "step" : props.view.xAxis as "step" | "relative" | "wall";
  const lines: Line[] = (data.data ?? []).map((s) => {
    const t0 = s.wall_time[0] ?? 0;
    const x = axis === "step" ? s.step : axis === "relative" ? s.wall_time.map((w) => w - t0) : s.wall_time;
    // The run decides the color (as everywhere), the tag the dash pattern.
    const dash = DASHES[tagsInChart.indexOf(s.tag) % DASHES.length];
    return { key: s.run, label: `${props.labels[s.run] || s.run}: ${s.tag}`, color: props.colors[s.run] ?? "#888", dash, x, y: s.value, smoothed: smooth(s.value, props.view.smoothing), steps: s.step, walls: s.wall_time };
  });
  if (!pairs.length) return <div class="muted">No scalar tag of the selected runs matches {(props.chart.multiline ?? []).join(", ")}.</div>;
  return (
    <>
      {data.data ? <LineChart lines={lines} opts={{ xType: axis, logX: props.view.logX, logY: props.view.logY, ignoreOutliers: props.view.ignoreOutliers, dark: props.view.dark, height: 240, tipSort: props.view.tipSort, tipRows: props.view.tipRows }} />
        : <div class="loading" style={{ height: 240 }}>loading…</div>}
      <Legend lines={lines} />
    </>
  );
}

// Every selected run in one chart: its value line with the lower–upper band around it.
function MarginChart(props: Common & { chart: Chart }) {
  const series = props.chart.margin ?? [];
  const pairs = props.selectedRuns.flatMap((run) => series.flatMap((m) => [m.value, m.lower, m.upper].filter((t) => props.scalarTags[run]?.[t]).map((tag) => ({ run, tag }))));
  const data = useFetch(pairs.length ? () => api.scalarBatch(pairs, 1000) : null, [pairs.map((p) => p.run + p.tag).join(","), props.generation]);
  if (!pairs.length) return <div class="muted">The selected runs have none of {series.map((m) => m.value).join(", ")}.</div>;
  if (!data.data) return <div class="loading" style={{ height: 240 }}>loading…</div>;
  const axis = props.view.xAxis.startsWith("tag:") ? "step" : props.view.xAxis as "step" | "relative" | "wall";
  const lines: Line[] = [];
  for (const run of props.selectedRuns) {
    for (const [k, m] of series.entries()) {
      const get = (tag: string) => data.data!.find((s) => s.run === run && s.tag === tag);
      const v = get(m.value);
      if (!v) continue;
      const at = (s: typeof v | undefined) => { const map = new Map(s ? s.step.map((st, i) => [st, s.value[i]]) : []); return v.step.map((st) => map.get(st) ?? Number.NaN); };
      const t0 = v.wall_time[0] ?? 0;
      lines.push({
        key: run, label: `${props.labels[run] || run}: ${m.value}`, color: props.colors[run] ?? "#888", dash: DASHES[k % DASHES.length],
        x: axis === "step" ? v.step : axis === "relative" ? v.wall_time.map((w) => w - t0) : v.wall_time,
        y: v.value, smoothed: v.value, steps: v.step, walls: v.wall_time, band: { lo: at(get(m.lower)), hi: at(get(m.upper)) },
      });
    }
  }
  return (
    <>
      <LineChart lines={lines} opts={{ xType: axis, logX: props.view.logX, logY: props.view.logY, ignoreOutliers: false, dark: props.view.dark, height: 240, tipSort: props.view.tipSort, tipRows: props.view.tipRows }} />
      <Legend lines={lines} />
    </>
  );
}

function Legend(props: { lines: Line[] }) {
  return (
    <div class="legend">{props.lines.map((l) => (
      <span key={l.label}>
        <svg width="22" height="8"><line x1="0" y1="4" x2="22" y2="4" stroke={l.color} stroke-width="2" stroke-dasharray={l.dash?.join(" ")} /></svg> {l.label}
      </span>
    ))}</div>
  );
}

function ChartCard(props: Common & { chart: Chart }) {
  const [ref, visible] = useVisible<HTMLDivElement>();
  return (
    <div class="card" ref={ref} data-tag={props.chart.title}>
      <div class="card-head"><CardTitle text={props.chart.title} />
        <span class="muted small">{props.chart.margin ? "margin" : (props.chart.multiline ?? []).join(" | ")}</span></div>
      {!visible ? <div class="loading" style={{ height: 240 }}>…</div> : props.chart.margin ? <MarginChart {...props} /> : <MultilineChart {...props} />}
    </div>
  );
}

function CategorySection(props: Common & { category: Category }) {
  const [closed, setClosed] = useState(props.category.closed);
  return (
    <section class="group">
      <h2 class="collapsible" onClick={() => setClosed(!closed)}>{closed ? "▸" : "▾"} {props.category.title} <span class="muted">({props.category.charts.length})</span></h2>
      {!closed && <div class="cards">{props.category.charts.map((c) => <ChartCard key={c.title} {...props} chart={c} />)}</div>}
    </section>
  );
}

export function CustomScalarsDashboard(props: Common) {
  const layout = useFetch(() => kinds.layout(), [props.generation]);
  if (layout.error) return <div class="error">{layout.error}</div>;
  if (!layout.data) return <div class="loading">loading…</div>;
  return (
    <div class="dashboard">
      {layout.data.categories.map((c) => <CategorySection key={c.title} {...props} category={c} />)}
    </div>
  );
}
