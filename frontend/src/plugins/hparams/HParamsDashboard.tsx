// The hparams dashboard: one row per session (run) with its hparams, metrics (last value)
// and status. Table view (sort by any column, 100 rows a page), parallel coordinates and a
// scatter-plot matrix (metric × hparam, linked hover and brushing); columns can be hidden and
// put on linear / log / quantile axes; filters by value and numeric range apply to every view.
// Clicking a session opens its scalar curves below.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { type Experiment, kinds, type Session, type TagsByRun } from "../../api/client";
import { useFetch } from "../../core/hooks";
import type { ViewState } from "../../core/urlState";
import { ScalarCard } from "../scalars/ScalarCard";

type Value = string | number | boolean | null;
interface Column { key: string; label: string; kind: "hparam" | "metric"; get: (s: Session) => Value }
interface Props {
  view: ViewState; setView: (v: Partial<ViewState>) => void; generation: number;
  colors: Record<string, string>; scalarTags: TagsByRun | null;
}

const num = (v: Value): number | null => (typeof v === "number" ? v : typeof v === "string" && v !== "" && !Number.isNaN(Number(v)) ? Number(v) : null);
const show = (v: Value) => (v === null || v === undefined ? "–" : typeof v === "number" ? (Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(5)))) : String(v));

function columnsOf(exp: Experiment): Column[] {
  return [
    ...exp.hparams.map((h): Column => ({ key: `h:${h.name}`, label: h.display_name || h.name, kind: "hparam", get: (s) => s.hparams[h.name] ?? null })),
    ...exp.metrics.map((m): Column => ({ key: `m:${m.key}`, label: m.display_name || m.key, kind: "metric", get: (s) => (s.metrics[m.key] ?? null) as Value })),
  ];
}

function colorScale(values: (number | null)[]): (v: number | null) => string {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const lo = Math.min(...finite), hi = Math.max(...finite);
  return (v) => {
    if (v === null || !Number.isFinite(v) || !finite.length) return "#999";
    const t = hi > lo ? (v - lo) / (hi - lo) : 0.5;
    return `hsl(${Math.round(240 - 220 * t)}, 70%, 48%)`;
  };
}

type Scale = "linear" | "log" | "quantile";
const PAGE = 100;

// A column's position scale (0..1): linear, log (positive values) or quantile (rank: evenly
// spread, whatever the distribution); strings and booleans are categories.
function axisScale(col: Column, sessions: Session[], scale: Scale = "linear"): { pos: (v: Value) => number | null; ticks: [number, string][] } {
  const vals = sessions.map((s) => col.get(s));
  const nums = vals.map(num);
  const label = (v: number) => String(Number(v.toPrecision(3)));
  if (nums.every((n, i) => n !== null || vals[i] === null)) {
    const finite = nums.filter((n): n is number => n !== null && Number.isFinite(n) && (scale !== "log" || n > 0));
    if (!finite.length) return { pos: () => null, ticks: [] };
    if (scale === "quantile") {
      const sorted = [...new Set(finite)].sort((a, b) => a - b);
      const rank = new Map(sorted.map((v, i) => [v, sorted.length > 1 ? i / (sorted.length - 1) : 0.5]));
      const pos = (v: Value) => { const n = num(v); return n === null ? null : rank.get(n) ?? null; };
      const picks = [0, 0.25, 0.5, 0.75, 1].map((q) => sorted[Math.round(q * (sorted.length - 1))]);
      return { pos, ticks: [...new Set(picks)].map((v) => [rank.get(v)!, label(v)]) };
    }
    const f = scale === "log" ? Math.log10 : (x: number) => x;
    const lo = Math.min(...finite.map(f)), hi = Math.max(...finite.map(f));
    const pos = (v: Value) => {
      const n = num(v);
      if (n === null || (scale === "log" && n <= 0)) return null;
      return hi > lo ? (f(n) - lo) / (hi - lo) : 0.5;
    };
    const inv = (t: number) => (scale === "log" ? 10 ** (lo + t * (hi - lo)) : lo + t * (hi - lo));
    let ticks: [number, string][] = hi > lo ? [0, 0.5, 1].map((t) => [t, label(inv(t))]) : [[0.5, label(inv(0))]];
    if (scale === "log" && hi > lo) {
      // Decades: 0.0001, 0.001, 0.01 ... (every other one when there are many).
      const first = Math.ceil(lo - 1e-9), last = Math.floor(hi + 1e-9);
      const step = last - first > 6 ? 2 : 1;
      const decades: [number, string][] = [];
      for (let d = first; d <= last; d += step) decades.push([(d - lo) / (hi - lo), label(10 ** d)]);
      if (decades.length >= 2) ticks = decades;
    }
    return { pos, ticks };
  }
  const cats = [...new Set(vals.map((v) => String(v)))].sort();
  const pos = (v: Value) => (cats.length > 1 ? cats.indexOf(String(v)) / (cats.length - 1) : 0.5);
  return { pos, ticks: cats.map((c, i) => [cats.length > 1 ? i / (cats.length - 1) : 0.5, c]) };
}

function isNumeric(col: Column, sessions: Session[]): boolean {
  return sessions.every((s) => { const v = col.get(s); return v === null || num(v) !== null; });
}

interface FilterState {
  values: Record<string, string[]>;          // column key -> values switched off
  ranges: Record<string, [string, string]>;  // column key -> [min, max] (as typed)
}

// Per column: a min–max range for numbers (hparams and metrics), value checkboxes for hparams
// with few values.
function Filters(props: { cols: Column[]; all: Session[]; f: FilterState; setF: (f: FilterState) => void }) {
  return (
    <div class="hp-filters">
      {props.cols.map((c) => {
        const numeric = isNumeric(c, props.all);
        const values = c.kind === "hparam" ? [...new Set(props.all.map((s) => String(c.get(s) ?? "")))].sort() : [];
        const off = props.f.values[c.key] ?? [];
        const [lo, hi] = props.f.ranges[c.key] ?? ["", ""];
        const set = (i: 0 | 1) => (e: Event) => {
          const next: [string, string] = [lo, hi];
          next[i] = (e.target as HTMLInputElement).value;
          props.setF({ ...props.f, ranges: { ...props.f.ranges, [c.key]: next } });
        };
        return (
          <fieldset key={c.key} data-col={c.key}><legend class={c.kind}>{c.label}</legend>
            {numeric && (
              <div class="range-row"><input class="range-min" placeholder="min" value={lo} onInput={set(0)} size={6} /> – <input class="range-max" placeholder="max" value={hi} onInput={set(1)} size={6} /></div>
            )}
            {values.length > 0 && values.length <= 12 && values.map((v) => (
              <label class="check" key={v}><input type="checkbox" checked={!off.includes(v)}
                onChange={() => props.setF({ ...props.f, values: { ...props.f.values, [c.key]: off.includes(v) ? off.filter((x) => x !== v) : [...off, v] } })} /> {v || "(unset)"}</label>
            ))}
          </fieldset>
        );
      })}
    </div>
  );
}

function TableView(props: { cols: Column[]; sessions: Session[]; colors: Record<string, string>; open: (s: Session) => void; opened: string | null;
  hover: string | null; setHover: (run: string | null) => void }) {
  // Sorted by the first metric, best (highest) first, until a column header is clicked.
  const firstMetric = props.cols.find((c) => c.kind === "metric");
  const [sort, setSort] = useState<{ key: string; desc: boolean } | null>(firstMetric ? { key: firstMetric.key, desc: true } : null);
  const [page, setPage] = useState(0);
  const rows = useMemo(() => {
    if (!sort) return props.sessions;
    const col = props.cols.find((c) => c.key === sort.key);
    if (!col && sort.key !== "run") return props.sessions;
    const get = (s: Session): Value => (col ? col.get(s) : s.run);
    return [...props.sessions].sort((a, b) => {
      const va = get(a), vb = get(b);
      const na = num(va), nb = num(vb);
      if (va === null || vb === null) return va === vb ? 0 : va === null ? 1 : -1; // blanks last
      const cmp = na !== null && nb !== null ? na - nb : String(va).localeCompare(String(vb), undefined, { numeric: true });
      return sort.desc ? -cmp : cmp;
    });
  }, [props.sessions, sort, props.cols]);
  const pages = Math.max(1, Math.ceil(rows.length / PAGE));
  const at = Math.min(page, pages - 1);
  const head = (key: string, label: string, kind = "") => (
    <th class={`sortable ${kind}`} data-col={key} onClick={() => setSort({ key, desc: sort?.key === key ? !sort.desc : false })}>
      {label}{sort?.key === key ? (sort.desc ? " ▼" : " ▲") : ""}
    </th>
  );
  return (
    <>
      <table class="hp-table data-table">
        <thead><tr><th></th>{head("run", "run")}{props.cols.map((c) => head(c.key, c.label, c.kind))}<th>status</th></tr></thead>
        <tbody>
          {rows.slice(at * PAGE, (at + 1) * PAGE).map((s) => (
            <tr key={s.run} data-run={s.run} class={`${props.opened === s.run ? "opened" : ""}${props.hover === s.run ? " hover" : ""}`}
              onClick={() => props.open(s)} onMouseEnter={() => props.setHover(s.run)} onMouseLeave={() => props.setHover(null)} title="Show this session's curves">
              <td><span class="swatch" style={{ background: props.colors[s.run] ?? "#999" }} /></td>
              <td>{s.run}</td>
              {props.cols.map((c) => <td key={c.key} class={c.kind}>{show(c.get(s))}</td>)}
              <td>{s.status}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {pages > 1 && (
        <div class="pager">
          <button class="prev" disabled={at === 0} onClick={() => setPage(at - 1)}>‹ prev</button>
          <span class="page-of">page {at + 1} of {pages} ({rows.length} sessions)</span>
          <button class="next" disabled={at >= pages - 1} onClick={() => setPage(at + 1)}>next ›</button>
        </div>
      )}
    </>
  );
}

interface ViewProps {
  cols: Column[]; sessions: Session[]; open: (s: Session) => void; colorBy: (s: Session) => string;
  all: Session[];  // every session: axes keep their range while filters and brushes narrow the view
  scales: Record<string, Scale>; hover: string | null; setHover: (run: string | null) => void;
}

function ParallelView(props: ViewProps) {
  const W = Math.max(600, props.cols.length * 150), H = 320, top = 30, bottom = 30;
  const x = (i: number) => 60 + (i * (W - 120)) / Math.max(1, props.cols.length - 1);
  const scales = props.cols.map((c) => axisScale(c, props.all, props.scales[c.key]));
  const y = (t: number) => H - bottom - t * (H - top - bottom);
  return (
    <div class="hp-parallel">
      <svg viewBox={`0 0 ${W} ${H}`} style={{ width: "100%", maxWidth: `${W}px` }}>
        {props.sessions.map((s) => {
          const pts = props.cols.map((c, i) => { const p = scales[i].pos(c.get(s)); return p === null ? null : `${x(i)},${y(p)}`; }).filter(Boolean);
          return <polyline key={s.run} class={props.hover === s.run ? "hp-line hover" : "hp-line"} points={pts.join(" ")} stroke={props.colorBy(s)}
            onMouseEnter={() => props.setHover(s.run)} onMouseLeave={() => props.setHover(null)} onClick={() => props.open(s)}><title>{s.run}</title></polyline>;
        })}
        {props.cols.map((c, i) => (
          <g key={c.key} class="hp-axis">
            <line x1={x(i)} x2={x(i)} y1={y(0)} y2={y(1)} />
            <text x={x(i)} y={16} text-anchor="middle" class={c.kind}>{c.label}{props.scales[c.key] && props.scales[c.key] !== "linear" ? ` (${props.scales[c.key]})` : ""}</text>
            {scales[i].ticks.map(([t, label]) => <text key={label} x={x(i) + 5} y={y(t) + 4} class="tick">{label}</text>)}
          </g>
        ))}
      </svg>
      <div class="muted small">{props.hover ? `${props.hover} (click to open)` : "Hover a line to name its session; click to open its curves."}</div>
    </div>
  );
}

// Metrics (rows) x hparams (columns), cells sized to fit the width, each axis labelled once
// (hparam names and ticks under the bottom row, metric names and ticks left of the first
// column). Hovering a point marks the session in every cell and in the table; dragging a box
// in a cell keeps only the sessions inside it (brushing), everywhere.
function ScatterView(props: ViewProps & { brush: Set<string> | null; setBrush: (runs: Set<string> | null) => void }) {
  const hps = props.cols.filter((c) => c.kind === "hparam");
  const metrics = props.cols.filter((c) => c.kind === "metric");
  const host = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(900);
  const [drag, setDrag] = useState<{ cell: string; x0: number; y0: number; x1: number; y1: number } | null>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth || 900));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const left = 70, bottom = 46, gap = 6;
  const S = Math.max(90, Math.min(260, Math.floor((width - left - gap * hps.length) / Math.max(1, hps.length))));
  const pad = 8;
  const xs = Object.fromEntries(hps.map((h) => [h.key, axisScale(h, props.all, props.scales[h.key])]));
  const ys = Object.fromEntries(metrics.map((m) => [m.key, axisScale(m, props.all, props.scales[m.key])]));
  const W = left + hps.length * (S + gap), H = metrics.length * (S + gap) + bottom;
  const px = (h: Column, s: Session) => { const p = xs[h.key].pos(h.get(s)); return p === null ? null : pad + p * (S - 2 * pad); };
  const py = (m: Column, s: Session) => { const p = ys[m.key].pos(m.get(s)); return p === null ? null : S - pad - p * (S - 2 * pad); };
  const local = (e: MouseEvent) => {
    const r = (e.currentTarget as SVGElement).getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  };
  return (
    <div class="hp-scatter" ref={host}>
      {props.brush && <div class="brush-bar">{props.brush.size} sessions brushed <button class="clear-brush" onClick={() => props.setBrush(null)}>clear</button></div>}
      <svg width={W} height={H} class="hp-matrix">
        {metrics.map((m, r) => (
          <g key={m.key} transform={`translate(0, ${r * (S + gap)})`}>
            <text class="axis-label metric" x={12} y={S / 2} transform={`rotate(-90, 12, ${S / 2})`} text-anchor="middle">{m.label}</text>
            {ys[m.key].ticks.map(([t, label]) => <text key={label} class="tick" x={left - 4} y={S - pad - t * (S - 2 * pad) + 3} text-anchor="end">{label}</text>)}
            {hps.map((h, c) => {
              const cell = `${m.key}|${h.key}`;
              const box = drag?.cell === cell ? drag : null;
              return (
                <g key={h.key} transform={`translate(${left + c * (S + gap)}, 0)`} class="hp-cell" data-cell={cell}
                  onMouseDown={(e) => { const [x, y] = local(e); setDrag({ cell, x0: x, y0: y, x1: x, y1: y }); }}
                  onMouseMove={(e) => { if (drag?.cell === cell) { const [x, y] = local(e); setDrag({ ...drag, x1: x, y1: y }); } }}
                  onMouseUp={() => {
                    if (!box) return;
                    setDrag(null);
                    if (Math.abs(box.x1 - box.x0) < 4 && Math.abs(box.y1 - box.y0) < 4) return;
                    const [x0, x1] = [Math.min(box.x0, box.x1), Math.max(box.x0, box.x1)];
                    const [y0, y1] = [Math.min(box.y0, box.y1), Math.max(box.y0, box.y1)];
                    const inside = props.sessions.filter((s) => { const a = px(h, s), b = py(m, s); return a !== null && b !== null && a >= x0 && a <= x1 && b >= y0 && b <= y1; });
                    props.setBrush(new Set(inside.map((s) => s.run)));
                  }}>
                  <rect x="0.5" y="0.5" width={S - 1} height={S - 1} class="frame" />
                  {props.sessions.map((s) => {
                    const a = px(h, s), b = py(m, s);
                    if (a === null || b === null) return null;
                    const hot = props.hover === s.run;
                    return <circle key={s.run} cx={a} cy={b} r={hot ? 6 : 3.5} class={hot ? "hot" : ""} fill={props.colorBy(s)}
                      onMouseEnter={() => props.setHover(s.run)} onMouseLeave={() => props.setHover(null)} onClick={() => props.open(s)}>
                      <title>{`${s.run}\n${h.label} = ${show(h.get(s))}\n${m.label} = ${show(m.get(s))}`}</title></circle>;
                  })}
                  {box && <rect class="brush" x={Math.min(box.x0, box.x1)} y={Math.min(box.y0, box.y1)} width={Math.abs(box.x1 - box.x0)} height={Math.abs(box.y1 - box.y0)} />}
                </g>
              );
            })}
          </g>
        ))}
        {hps.map((h, c) => (
          <g key={h.key} transform={`translate(${left + c * (S + gap)}, ${metrics.length * (S + gap)})`}>
            {xs[h.key].ticks.map(([t, label]) => <text key={label} class="tick" x={pad + t * (S - 2 * pad)} y={12}
              text-anchor={t <= 0.02 ? "start" : t >= 0.98 ? "end" : "middle"}>{label}</text>)}
            <text class="axis-label hparam" x={S / 2} y={32} text-anchor="middle">{h.label}{props.scales[h.key] && props.scales[h.key] !== "linear" ? ` (${props.scales[h.key]})` : ""}</text>
          </g>
        ))}
      </svg>
      <div class="muted small">{props.hover ? `${props.hover} (click to open its curves)` : "Hover a point: the session is marked in every cell and in the table. Drag a box in a cell to keep only the sessions inside."}</div>
    </div>
  );
}

function download(name: string, type: string, body: string): void {
  const url = URL.createObjectURL(new Blob([body], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// The shown sessions as CSV (one row per session: run, hparams, metrics, status) or JSON.
function exportSessions(cols: Column[], sessions: Session[], format: "csv" | "json"): void {
  if (format === "json") {
    download("hparams.json", "application/json", JSON.stringify(sessions, null, 2));
    return;
  }
  const cell = (v: Value) => {
    const text = v === null || v === undefined ? "" : String(v);
    return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const rows = [["run", ...cols.map((c) => c.label), "status"].map(cell).join(",")];
  for (const s of sessions) rows.push([cell(s.run), ...cols.map((c) => cell(c.get(s))), cell(s.status)].join(","));
  download("hparams.csv", "text/csv", rows.join("\n") + "\n");
}

export function HParamsDashboard(props: Props) {
  const exp = useFetch(() => kinds.experiment(), [props.generation]);
  const [f, setF] = useState<FilterState>({ values: {}, ranges: {} });
  const [status, setStatus] = useState<string[]>([]);
  const [colorKey, setColorKey] = useState<string>("");
  const [hiddenCols, setHiddenCols] = useState<string[]>([]);
  const [scales, setScales] = useState<Record<string, Scale>>({});
  const [showCols, setShowCols] = useState(false);
  const [hover, setHover] = useState<string | null>(null);
  const [brush, setBrush] = useState<Set<string> | null>(null);
  const view = props.view.hpView;
  const allCols = useMemo(() => (exp.data ? columnsOf(exp.data) : []), [exp.data]);
  const cols = allCols.filter((c) => !hiddenCols.includes(c.key));
  const sessions = useMemo(() => (exp.data?.sessions ?? []).filter((s) => {
    if (status.includes(s.status)) return false;
    if (brush && !brush.has(s.run)) return false;
    for (const c of allCols) {
      const off = f.values[c.key];
      if (off?.length && off.includes(String(c.get(s) ?? ""))) return false;
      const [lo, hi] = f.ranges[c.key] ?? ["", ""];
      if (lo === "" && hi === "") continue;
      const v = num(c.get(s));
      if (v === null) return false;
      if ((lo !== "" && v < Number(lo)) || (hi !== "" && v > Number(hi))) return false;
    }
    return true;
  }), [exp.data, status, brush, f, allCols]);
  if (exp.error) return <div class="error">{exp.error}</div>;
  if (!exp.data) return <div class="loading">loading…</div>;
  const metricCol = allCols.find((c) => c.key === colorKey) ?? allCols.find((c) => c.kind === "metric");
  const colorValues = exp.data.sessions.map((s) => (metricCol ? metricCol.get(s) : null));
  const numeric = colorValues.every((v) => v === null || num(v) !== null);
  const scale = colorScale(colorValues.map(num));
  const categories = [...new Set(colorValues.map(String))].sort();
  // Numbers on a blue-to-red scale; strings and booleans one hue per value.
  const colorBy = (s: Session) => {
    const v = metricCol ? metricCol.get(s) : null;
    return numeric ? scale(num(v)) : `hsl(${(categories.indexOf(String(v)) * 137) % 360}, 65%, 48%)`;
  };
  const opened = props.view.hpSession;
  const open = (s: Session) => props.setView({ hpSession: opened === s.run ? "" : s.run });
  const openedTags = opened && props.scalarTags
    ? Object.entries(props.scalarTags).filter(([run]) => run === opened || run.startsWith(opened + "/")).flatMap(([run, tags]) => Object.keys(tags).map((tag) => ({ run, tag })))
    : [];
  const statuses = [...new Set(exp.data.sessions.map((s) => s.status))];
  const viewProps = { cols, sessions, all: exp.data.sessions, open, colorBy, scales, hover, setHover };
  return (
    <div class="dashboard hparams">
      <div class="filter-bar">
        {(["table", "parallel", "scatter"] as const).map((v) => (
          <button key={v} class={`tab${view === v ? " on" : ""}`} onClick={() => props.setView({ hpView: v })}>
            {v === "table" ? "Table view" : v === "parallel" ? "Parallel coordinates" : "Scatter plot matrix"}
          </button>
        ))}
        <span class="muted session-count">{sessions.length} of {exp.data.sessions.length} sessions</span>
        <button class={`tab cols-btn${showCols ? " on" : ""}`} onClick={() => setShowCols(!showCols)}>columns &amp; axes</button>
        <label class="row">Color by
          <select class="color-by" value={metricCol?.key ?? ""} onChange={(e) => setColorKey((e.target as HTMLSelectElement).value)}>
            {allCols.map((c) => <option key={c.key} value={c.key}>{c.label}</option>)}
          </select>
        </label>
        <button class="tab" onClick={() => exportSessions(cols, sessions, "csv")}>CSV</button>
        <button class="tab" onClick={() => exportSessions(cols, sessions, "json")}>JSON</button>
        {statuses.map((st) => (
          <label class="check" key={st}><input type="checkbox" checked={!status.includes(st)}
            onChange={() => setStatus(status.includes(st) ? status.filter((x) => x !== st) : [...status, st])} /> {st}</label>
        ))}
      </div>
      {showCols && (
        <div class="hp-columns">
          {allCols.map((c) => (
            <div key={c.key} class="hp-col-row" data-col={c.key}>
              <label class="check"><input type="checkbox" checked={!hiddenCols.includes(c.key)}
                onChange={() => setHiddenCols(hiddenCols.includes(c.key) ? hiddenCols.filter((k) => k !== c.key) : [...hiddenCols, c.key])} /> <span class={c.kind}>{c.label}</span></label>
              {isNumeric(c, exp.data!.sessions) && (
                <select class="axis-scale" value={scales[c.key] ?? "linear"} onChange={(e) => setScales({ ...scales, [c.key]: (e.target as HTMLSelectElement).value as Scale })}>
                  <option value="linear">linear</option><option value="log">log</option><option value="quantile">quantile</option>
                </select>
              )}
            </div>
          ))}
        </div>
      )}
      {exp.data.sessions.length === 0 ? <div class="empty">No hparams sessions (log them with <code>add_hparams</code> or TensorFlow's <code>hp.hparams</code>).</div> : (
        <div class="hp-layout">
          <Filters cols={allCols} all={exp.data.sessions} f={f} setF={setF} />
          <div class="hp-main">
            {view === "table" && <TableView cols={cols} sessions={sessions} colors={props.colors} open={open} opened={opened} hover={hover} setHover={setHover} />}
            {view === "parallel" && <ParallelView {...viewProps} />}
            {view === "scatter" && (
              <>
                <ScatterView {...viewProps} brush={brush} setBrush={setBrush} />
                {/* The sessions shown (brushed), linked both ways: hover a row or a point. */}
                <TableView cols={cols} sessions={sessions} colors={props.colors} open={open} opened={opened} hover={hover} setHover={setHover} />
              </>
            )}
            {opened && (
              <section class="group hp-session">
                <h2>Session {opened} <button onClick={() => props.setView({ hpSession: "" })}>close</button></h2>
                <div class="cards">
                  {openedTags.map(({ run, tag }) => (
                    <ScalarCard key={run + "\n" + tag} tag={run === opened ? tag : `${run.slice(opened.length + 1)}/${tag}`} seriesTag={tag} runs={[run]} colors={props.colors}
                      labels={{}} groups={null} xTags={[]} setView={props.setView}
                      view={props.view} generation={props.generation} pinned={false} onPin={() => undefined} />
                  ))}
                </div>
              </section>
            )}
          </div>
        </div>
      )}
    </div>
  );
}
