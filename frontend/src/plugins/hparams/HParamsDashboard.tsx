// The hparams dashboard: one row per session (run) with its hparams, metrics (last value)
// and status. Table view (sort by any column), parallel coordinates and a scatter-plot
// matrix (metric × hparam); filters by hparam value and metric range apply to every view.
// Clicking a session opens its scalar curves below.
import { useMemo, useState } from "preact/hooks";
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

function Filters(props: { exp: Experiment; filters: Record<string, string[]>; ranges: Record<string, [string, string]>;
  setFilters: (f: Record<string, string[]>) => void; setRanges: (r: Record<string, [string, string]>) => void }) {
  return (
    <div class="hp-filters">
      {props.exp.hparams.map((h) => {
        const values = [...new Set(props.exp.sessions.map((s) => String(s.hparams[h.name] ?? "")))].sort();
        const off = props.filters[h.name] ?? [];
        return (
          <fieldset key={h.name}><legend>{h.display_name || h.name}</legend>
            {values.map((v) => (
              <label class="check" key={v}><input type="checkbox" checked={!off.includes(v)}
                onChange={() => props.setFilters({ ...props.filters, [h.name]: off.includes(v) ? off.filter((x) => x !== v) : [...off, v] })} /> {v || "(unset)"}</label>
            ))}
          </fieldset>
        );
      })}
      {props.exp.metrics.map((m) => {
        const [lo, hi] = props.ranges[m.key] ?? ["", ""];
        const set = (i: 0 | 1) => (e: Event) => {
          const next: [string, string] = [lo, hi];
          next[i] = (e.target as HTMLInputElement).value;
          props.setRanges({ ...props.ranges, [m.key]: next });
        };
        return (
          <fieldset key={m.key}><legend>{m.display_name || m.key}</legend>
            <input class="range-min" placeholder="min" value={lo} onInput={set(0)} size={6} /> – <input class="range-max" placeholder="max" value={hi} onInput={set(1)} size={6} />
          </fieldset>
        );
      })}
    </div>
  );
}

function TableView(props: { cols: Column[]; sessions: Session[]; colors: Record<string, string>; open: (s: Session) => void; opened: string | null }) {
  // Sorted by the first metric, best (highest) first, until a column header is clicked.
  const firstMetric = props.cols.find((c) => c.kind === "metric");
  const [sort, setSort] = useState<{ key: string; desc: boolean } | null>(firstMetric ? { key: firstMetric.key, desc: true } : null);
  const rows = useMemo(() => {
    if (!sort) return props.sessions;
    const col = props.cols.find((c) => c.key === sort.key);
    if (!col) return props.sessions;
    return [...props.sessions].sort((a, b) => {
      const va = col.get(a), vb = col.get(b);
      const na = num(va), nb = num(vb);
      const cmp = na !== null && nb !== null ? na - nb : String(va ?? "").localeCompare(String(vb ?? ""));
      return sort.desc ? -cmp : cmp;
    });
  }, [props.sessions, sort, props.cols]);
  const head = (key: string, label: string) => (
    <th class="sortable" onClick={() => setSort({ key, desc: sort?.key === key ? !sort.desc : false })}>
      {label}{sort?.key === key ? (sort.desc ? " ▼" : " ▲") : ""}
    </th>
  );
  return (
    <table class="hp-table data-table">
      <thead><tr><th></th>{head("run", "run")}{props.cols.map((c) => head(c.key, c.label))}<th>status</th></tr></thead>
      <tbody>
        {rows.map((s) => (
          <tr key={s.run} class={props.opened === s.run ? "opened" : ""} onClick={() => props.open(s)} title="Show this session's curves">
            <td><span class="swatch" style={{ background: props.colors[s.run] ?? "#999" }} /></td>
            <td>{s.run}</td>
            {props.cols.map((c) => <td key={c.key} class={c.kind}>{show(c.get(s))}</td>)}
            <td>{s.status}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function axisScale(col: Column, sessions: Session[]): { pos: (v: Value) => number | null; ticks: [number, string][] } {
  const vals = sessions.map((s) => col.get(s));
  const nums = vals.map(num);
  if (nums.every((n, i) => n !== null || vals[i] === null)) {
    const finite = nums.filter((n): n is number => n !== null && Number.isFinite(n));
    const lo = Math.min(...finite), hi = Math.max(...finite);
    const pos = (v: Value) => { const n = num(v); return n === null || !finite.length ? null : hi > lo ? (n - lo) / (hi - lo) : 0.5; };
    const label = (v: number) => String(Number(v.toPrecision(4)));
    return { pos, ticks: !finite.length ? [] : hi > lo ? [[0, label(lo)], [1, label(hi)]] : [[0.5, label(lo)]] };
  }
  const cats = [...new Set(vals.map((v) => String(v)))].sort();
  const pos = (v: Value) => (cats.length > 1 ? cats.indexOf(String(v)) / (cats.length - 1) : 0.5);
  return { pos, ticks: cats.map((c, i) => [cats.length > 1 ? i / (cats.length - 1) : 0.5, c]) };
}

function ParallelView(props: { cols: Column[]; sessions: Session[]; open: (s: Session) => void; colorBy: (s: Session) => string }) {
  const [hover, setHover] = useState<string | null>(null);
  const W = Math.max(600, props.cols.length * 150), H = 320, top = 30, bottom = 30;
  const x = (i: number) => 60 + (i * (W - 120)) / Math.max(1, props.cols.length - 1);
  const scales = props.cols.map((c) => axisScale(c, props.sessions));
  const y = (t: number) => H - bottom - t * (H - top - bottom);
  return (
    <div class="hp-parallel">
      <svg viewBox={`0 0 ${W} ${H}`} style={{ width: "100%", maxWidth: `${W}px` }}>
        {props.sessions.map((s) => {
          const pts = props.cols.map((c, i) => { const p = scales[i].pos(c.get(s)); return p === null ? null : `${x(i)},${y(p)}`; }).filter(Boolean);
          return <polyline key={s.run} class={hover === s.run ? "hp-line hover" : "hp-line"} points={pts.join(" ")} stroke={props.colorBy(s)}
            onMouseEnter={() => setHover(s.run)} onMouseLeave={() => setHover(null)} onClick={() => props.open(s)}><title>{s.run}</title></polyline>;
        })}
        {props.cols.map((c, i) => (
          <g key={c.key} class="hp-axis">
            <line x1={x(i)} x2={x(i)} y1={y(0)} y2={y(1)} />
            <text x={x(i)} y={16} text-anchor="middle" class={c.kind}>{c.label}</text>
            {scales[i].ticks.map(([t, label]) => <text key={label} x={x(i) + 5} y={y(t) + 4} class="tick">{label}</text>)}
          </g>
        ))}
      </svg>
      <div class="muted small">{hover ? `${hover} (click to open)` : "Hover a line to name its session; click to open its curves."}</div>
    </div>
  );
}

function ScatterView(props: { cols: Column[]; sessions: Session[]; open: (s: Session) => void; colorBy: (s: Session) => string }) {
  const hps = props.cols.filter((c) => c.kind === "hparam");
  const metrics = props.cols.filter((c) => c.kind === "metric");
  const S = 150, pad = 14;
  return (
    <div class="hp-scatter" style={{ gridTemplateColumns: `repeat(${hps.length}, ${S + 10}px)` }}>
      {metrics.flatMap((m) => hps.map((h) => {
        const sx = axisScale(h, props.sessions), sy = axisScale(m, props.sessions);
        return (
          <div class="hp-cell" key={m.key + h.key}>
            <div class="small muted">{m.label} × {h.label}</div>
            <svg viewBox={`0 0 ${S} ${S}`} width={S} height={S}>
              <rect x="0.5" y="0.5" width={S - 1} height={S - 1} class="frame" />
              {sx.ticks.map(([t, label]) => <text key={"x" + label} class="tick" x={pad + t * (S - 2 * pad)} y={S - 3} text-anchor="middle">{label}</text>)}
              {sy.ticks.map(([t, label]) => <text key={"y" + label} class="tick" x={3} y={S - pad - t * (S - 2 * pad) + 3}>{label}</text>)}
              {props.sessions.map((s) => {
                const px = sx.pos(h.get(s)), py = sy.pos(m.get(s));
                if (px === null || py === null) return null;
                return <circle key={s.run} cx={pad + px * (S - 2 * pad)} cy={S - pad - py * (S - 2 * pad)} r="4.5" fill={props.colorBy(s)} onClick={() => props.open(s)}>
                  <title>{`${s.run}\n${h.label} = ${show(h.get(s))}\n${m.label} = ${show(m.get(s))}`}</title></circle>;
              })}
            </svg>
          </div>
        );
      }))}
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
  const [filters, setFilters] = useState<Record<string, string[]>>({});
  const [ranges, setRanges] = useState<Record<string, [string, string]>>({});
  const [status, setStatus] = useState<string[]>([]);
  const [colorKey, setColorKey] = useState<string>("");
  const view = props.view.hpView;
  if (exp.error) return <div class="error">{exp.error}</div>;
  if (!exp.data) return <div class="loading">loading…</div>;
  const cols = columnsOf(exp.data);
  const sessions = exp.data.sessions.filter((s) => {
    if (status.includes(s.status)) return false;
    for (const [name, off] of Object.entries(filters)) if (off.includes(String(s.hparams[name] ?? ""))) return false;
    for (const [key, [lo, hi]] of Object.entries(ranges)) {
      const v = num((s.metrics[key] ?? null) as Value);
      if ((lo !== "" || hi !== "") && v === null) return false;
      if (v !== null && ((lo !== "" && v < Number(lo)) || (hi !== "" && v > Number(hi)))) return false;
    }
    return true;
  });
  const metricCol = cols.find((c) => c.key === colorKey) ?? cols.find((c) => c.kind === "metric");
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
  return (
    <div class="dashboard hparams">
      <div class="filter-bar">
        {(["table", "parallel", "scatter"] as const).map((v) => (
          <button key={v} class={`tab${view === v ? " on" : ""}`} onClick={() => props.setView({ hpView: v })}>
            {v === "table" ? "Table view" : v === "parallel" ? "Parallel coordinates" : "Scatter plot matrix"}
          </button>
        ))}
        <span class="muted">{sessions.length} of {exp.data.sessions.length} sessions</span>
        <label class="row">Color by
          <select class="color-by" value={metricCol?.key ?? ""} onChange={(e) => setColorKey((e.target as HTMLSelectElement).value)}>
            {cols.map((c) => <option key={c.key} value={c.key}>{c.label}</option>)}
          </select>
        </label>
        <button class="tab" onClick={() => exportSessions(cols, sessions, "csv")}>CSV</button>
        <button class="tab" onClick={() => exportSessions(cols, sessions, "json")}>JSON</button>
        {statuses.map((st) => (
          <label class="check" key={st}><input type="checkbox" checked={!status.includes(st)}
            onChange={() => setStatus(status.includes(st) ? status.filter((x) => x !== st) : [...status, st])} /> {st}</label>
        ))}
      </div>
      {exp.data.sessions.length === 0 ? <div class="empty">No hparams sessions (log them with <code>add_hparams</code> or TensorFlow's <code>hp.hparams</code>).</div> : (
        <div class="hp-layout">
          <Filters exp={exp.data} filters={filters} ranges={ranges} setFilters={setFilters} setRanges={setRanges} />
          <div class="hp-main">
            {view === "table" && <TableView cols={cols} sessions={sessions} colors={props.colors} open={open} opened={opened} />}
            {view === "parallel" && <ParallelView cols={cols} sessions={sessions} open={open} colorBy={colorBy} />}
            {view === "scatter" && <ScatterView cols={cols} sessions={sessions} open={open} colorBy={colorBy} />}
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
