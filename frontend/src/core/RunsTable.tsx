// The runs table every dashboard shares (the sidebar's run list, expandable over the page):
// every run with its status, hyperparameters, metrics and times; sort by any column, filter by
// expression or regex, choose columns, group runs, rename / tag / recolor / delete (to the
// logdir's trash, with undo) and export the selection. Rows are windowed: a thousand runs
// draw as fast as twenty.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { type Finding, type RunRow, type RunTable, runsApi, type TrashEntry } from "../api/client";
import { fmtDate, fmtDuration, fmtValue } from "../charts/LineChart";
import { HealthBadge } from "../plugins/health/HealthPanel";
import { cellValue, type Column, columnsOf, shownColumns, sortRuns } from "./runs";
import type { ViewState } from "./urlState";

const ROW_H = 24;

interface Props {
  table: RunTable | null;
  candidates: string[];           // runs with data for this dashboard
  listed: string[];               // ... that pass the filter
  filterKind: string;
  filterError?: string;
  view: ViewState;
  setView: (v: Partial<ViewState>) => void;
  colors: Record<string, string>;
  labels: Record<string, string>;
  health: Record<string, Finding[]>;
  onHealth: (run: string) => void;
  onChanged: () => void;          // run meta or runs changed: read the table again
  readOnly?: boolean;             // a read-only token: no renaming, recoloring or deleting
}

function cellText(row: RunRow | undefined, col: Column): string {
  const v = cellValue(row, col.id);
  if (v === null || v === undefined) return "";
  if (col.id === "started") return fmtDate(v as number);
  if (col.id === "duration") return fmtDuration(v as number);
  if (col.id.startsWith("best:") && row) {
    const s = row.stats[col.id.slice(5)];
    return s?.best == null ? "" : `${fmtValue(s.best)} @${s.best_step}`;
  }
  if (Array.isArray(v)) return v.join(", ");
  if (typeof v === "number") return fmtValue(v);
  return String(v);
}

// Saved when the picker closes (the native "change" event; preact/compat turns onChange into
// onInput, which fires on every move of the picker).
function ColorInput(props: { value: string; onPick: (color: string) => void }) {
  const ref = useRef<HTMLInputElement>(null);
  const pick = useRef(props.onPick);
  pick.current = props.onPick;
  useEffect(() => {
    const el = ref.current!;
    const onChange = () => pick.current(el.value);
    el.addEventListener("change", onChange);
    return () => el.removeEventListener("change", onChange);
  }, []);
  return <input type="color" class="color-input" ref={ref} value={props.value} />;
}

// An edit box takes the focus when it opens, once: it is uncontrolled (defaultValue), so new
// data arriving while the user types (the table reloads every few seconds) never resets what
// was typed.
const focusOnce = (el: HTMLInputElement | null) => { if (el && document.activeElement !== el) { el.focus(); el.select(); } };

export function RunsTable(props: Props) {
  const { view, setView, table } = props;
  const rows = useMemo(() => new Map((table?.runs ?? []).map((r) => [r.name, r])), [table]);
  const allColumns = useMemo(() => columnsOf(table?.hparams ?? [], table?.metrics ?? []), [table]);
  const label = (r: string) => props.labels[r] || r;
  // The order is this table's own state, drawn at once; the URL (and so the rest of the page)
  // learns it a moment later — re-sorting never waits for the charts to re-render.
  const [runSort, setRunSort] = useState(view.runSort);
  useEffect(() => setRunSort(view.runSort), [view.runSort]);
  useEffect(() => {
    if (runSort === view.runSort) return;
    const id = window.setTimeout(() => setView({ runSort }), 200);
    return () => window.clearTimeout(id);
  }, [runSort]);
  const sorted = useMemo(() => sortRuns(props.listed, rows, runSort, label), [props.listed, rows, runSort, props.labels]);
  // The sidebar shows names (and a dot for running / crashed runs); "expand" shows the columns.
  const chosen = useMemo(() => shownColumns(view.runCols, table), [view.runCols, table]);
  const shown = view.wideRuns ? chosen.flatMap((id) => allColumns.filter((c) => c.id === id)) : [];
  const [editing, setEditing] = useState<{ run: string; what: "name" | "tags" } | null>(null);
  const [menu, setMenu] = useState<string | null>(null);
  const [panel, setPanel] = useState<"" | "columns" | "export" | "trash">("");
  const [trash, setTrash] = useState<TrashEntry[]>([]);
  const [undo, setUndo] = useState<TrashEntry | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const scroller = useRef<HTMLDivElement>(null);
  const [height, setHeight] = useState(600);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setHeight(el.clientHeight || 600));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  useEffect(() => { if (panel === "trash") runsApi.trash().then(setTrash).catch(() => setTrash([])); }, [panel, props.table]);

  const first = Math.max(0, Math.floor(scrollTop / ROW_H) - 10);
  const last = Math.min(sorted.length, first + Math.ceil(height / ROW_H) + 20);
  const visible = sorted.slice(first, last);

  const toggle = (run: string) => setView({ hidden: view.hidden.includes(run) ? view.hidden.filter((h) => h !== run) : [...view.hidden, run] });
  const allOn = props.listed.every((r) => !view.hidden.includes(r));
  const sortBy = (id: string) => {
    const cur = runSort;
    setRunSort(cur === `${id}:asc` ? `${id}:desc` : cur === `${id}:desc` ? "" : `${id}:asc`);
  };
  const arrow = (id: string) => (runSort === `${id}:asc` ? " ▲" : runSort === `${id}:desc` ? " ▼" : "");
  const act = (p: Promise<unknown>) => p.then(() => { setProblem(null); props.onChanged(); }).catch((e: Error) => setProblem(e.message));
  const save = (run: string, patch: { display_name?: string; color?: string; tags?: string[] }) => act(runsApi.setMeta({ run, ...patch }));
  const remove = (run: string) => {
    const going = props.candidates.filter((r) => r === run || r.startsWith(`${run}/`));
    const others = going.filter((r) => r !== run);
    const text = `Delete run "${label(run)}"?\n\nIts folder is moved to .ridgeline-trash in the logdir (nothing is erased; you can undo).`
      + (others.length ? `\n\nThese runs inside it go too: ${others.join(", ")}` : "");
    if (!window.confirm(text)) return;
    act(runsApi.remove(run).then((entry) => setUndo(entry)));
  };
  const restore = (id: string) => act(runsApi.restore(id).then(() => { setUndo(null); setPanel(""); }));

  const groupOptions = [
    { v: "", l: "no grouping" },
    ...(table?.hparams ?? []).map((h) => ({ v: `hp:${h}`, l: `hparam ${h}` })),
    { v: "tag", l: "run tag" },
    { v: view.groupBy.startsWith("re:") ? view.groupBy : "re:_?seed[-_=]?\\d+", l: "name pattern" },
  ];

  return (
    <section class={`runs runs-table${view.wideRuns ? " wide" : ""}`}>
      <div class="runs-head">
        <h3>Runs <span class="muted count">{props.listed.length}/{props.candidates.length}</span></h3>
        <span class="runs-tools">
          <button class="expand" title={view.wideRuns ? "Back to the run list" : "Expand: every column"} onClick={() => setView({ wideRuns: !view.wideRuns })}>{view.wideRuns ? "collapse" : "expand"}</button>
          <button class={panel === "columns" ? "on" : ""} title="Choose columns" onClick={() => setPanel(panel === "columns" ? "" : "columns")}>columns</button>
          <button class={`export-btn${panel === "export" ? " on" : ""}`} title="Export the selected runs' data" onClick={() => setPanel(panel === "export" ? "" : "export")}>export</button>
          {props.readOnly && <span class="read-only" title="This link may only read: renaming, recoloring and deleting are off">read-only</span>}
          {!props.readOnly && <button class={`trash-btn${panel === "trash" ? " on" : ""}`} title="Deleted runs" onClick={() => setPanel(panel === "trash" ? "" : "trash")}>trash</button>}
        </span>
      </div>
      <input class="run-filter" aria-label="Filter runs" placeholder='Filter: regex, or lr < 0.01 and optimizer == "adam"' value={view.runFilter}
        onInput={(e) => setView({ runFilter: (e.target as HTMLInputElement).value })} />
      {view.runFilter && <div class={`filter-kind ${props.filterKind}`}>{props.filterKind === "invalid" ? `not a filter: ${props.filterError}` : props.filterKind === "expression" ? "expression" : "regex on names"}</div>}
      <div class="group-row">
        <select class="group-by" value={view.groupBy} title="Draw groups of runs as one line with a band" aria-label="Group runs"
          onChange={(e) => setView({ groupBy: (e.target as HTMLSelectElement).value })}>
          {groupOptions.map((o) => <option key={o.v} value={o.v}>{o.v ? `group by ${o.l}` : o.l}</option>)}
        </select>
        {view.groupBy && (
          <>
            <select class="group-agg" aria-label="Group line" value={view.groupAgg} onChange={(e) => setView({ groupAgg: (e.target as HTMLSelectElement).value as ViewState["groupAgg"] })}>
              <option value="mean">mean</option><option value="median">median</option>
            </select>
            <select class="group-band" aria-label="Group band" value={view.groupBand} onChange={(e) => setView({ groupBand: (e.target as HTMLSelectElement).value as ViewState["groupBand"] })}>
              <option value="minmax">min–max</option><option value="std">± std</option><option value="none">no band</option>
            </select>
            <button class="ungroup" title="Ungroup" onClick={() => setView({ groupBy: "" })}>ungroup</button>
          </>
        )}
      </div>
      {view.groupBy.startsWith("re:") && (
        <input class="group-pattern" title="Removed from run names; runs whose names are then equal form a group" value={view.groupBy.slice(3)}
          onInput={(e) => setView({ groupBy: `re:${(e.target as HTMLInputElement).value}` })} />
      )}
      {problem && <div class="error">{problem}</div>}
      {undo && (
        <div class="undo-bar">Deleted <b>{undo.run}</b> (moved to the trash). <button class="undo" onClick={() => restore(undo.id)}>Undo</button>
          <button class="dismiss" title="Dismiss" onClick={() => setUndo(null)}>×</button></div>
      )}
      {panel === "columns" && (
        <div class="runs-panel columns-panel">
          {allColumns.map((c) => (
            <label key={c.id} class="check" title={c.title}>
              <input type="checkbox" checked={chosen.includes(c.id)} onChange={() => {
                const next = chosen.includes(c.id) ? chosen.filter((x) => x !== c.id) : [...chosen, c.id];
                // [] would mean "the defaults": a table with every column switched off keeps only the names.
                setView({ runCols: next.length ? next : ["none"], wideRuns: true });
              }} /> {c.label}
            </label>
          ))}
        </div>
      )}
      {panel === "export" && (
        <div class="runs-panel export-panel">
          Every scalar of the {props.listed.filter((r) => !view.hidden.includes(r)).length} selected runs:
          {(["csv", "json", "parquet"] as const).map((f) => (
            <a key={f} class={`export-${f}`} href={runsApi.exportUrl(props.listed.filter((r) => !view.hidden.includes(r)), [], f)} download>{f.toUpperCase()}</a>
          ))}
        </div>
      )}
      {panel === "trash" && (
        <div class="runs-panel trash-panel">
          {trash.length === 0 && <div class="muted">The trash is empty.</div>}
          {trash.map((t) => (
            <div key={t.id} class="trash-entry">{t.run} <span class="muted">{fmtDate(t.deleted_at)}</span>
              <button class="restore" onClick={() => restore(t.id)}>restore</button></div>
          ))}
        </div>
      )}
      <div class="runs-scroll" ref={scroller} onScroll={(e) => setScrollTop((e.target as HTMLDivElement).scrollTop)}>
        <table class="runs-grid">
          <thead>
            <tr>
              <th class="sel"><input type="checkbox" class="all" title={`Select all (${props.listed.length})`} aria-label={`Show all ${props.listed.length} runs`} checked={allOn} onChange={() =>
                setView({ hidden: allOn ? [...new Set([...view.hidden, ...props.listed])] : view.hidden.filter((h) => !props.listed.includes(h)) })} /></th>
              <th class="name sortable" onClick={() => sortBy("name")}>name{arrow("name")}</th>
              {shown.map((c) => <th key={c.id} class={`sortable col-${c.numeric ? "num" : "text"}`} data-col={c.id} title={c.title} onClick={() => sortBy(c.id)}>{c.label}{arrow(c.id)}</th>)}
              <th class="acts"></th>
            </tr>
          </thead>
          <tbody>
            {first > 0 && <tr style={{ height: `${first * ROW_H}px` }} />}
            {visible.map((r) => {
              const row = rows.get(r);
              return (
                <tr key={r} class={`run-row${view.hidden.includes(r) ? " off" : ""}`} data-run={r} style={{ height: `${ROW_H}px` }}>
                  <td class="sel"><input type="checkbox" aria-label={`Show ${label(r)}`} checked={!view.hidden.includes(r)} onChange={() => toggle(r)} /></td>
                  <td class="name" title={`${r}${row?.status_reason ? `\n${row.status}: ${row.status_reason}` : ""}`}>
                    {props.readOnly ? <span class="swatch" style={{ background: props.colors[r] }} /> : (
                      <label class="swatch-pick" title="Choose this run's color">
                        <span class="swatch" style={{ background: props.colors[r] }} />
                        <ColorInput value={props.colors[r]?.startsWith("#") ? props.colors[r] : "#888888"} onPick={(c) => save(r, { color: c })} />
                      </label>
                    )}
                    {editing?.run === r && editing.what === "name" ? (
                      <input class="rename-input" aria-label={`New name for ${r}`} defaultValue={label(r)} ref={focusOnce}
                        onKeyDown={(e) => {
                          if (e.key === "Enter") { save(r, { display_name: (e.target as HTMLInputElement).value }); setEditing(null); }
                          if (e.key === "Escape") setEditing(null);
                        }} onBlur={() => setEditing(null)} />
                    ) : (
                      <span class="run-name" onDblClick={props.readOnly ? undefined : () => setEditing({ run: r, what: "name" })}>{label(r)}</span>
                    )}
                    {!shown.some((c) => c.id === "status") && row && row.status !== "finished" && <span class={`status-dot ${row.status}`} title={`${row.status}: ${row.status_reason}`} />}
                    <HealthBadge findings={props.health[r]} onClick={() => props.onHealth(r)} />
                  </td>
                  {shown.map((c) => (
                    <td key={c.id} class={`col-${typeof cellValue(row, c.id) === "number" ? "num" : "text"}${c.id === "status" && row ? ` status ${row.status}` : ""}`} data-col={c.id}
                      title={c.id === "status" ? row?.status_reason : undefined}>
                      {c.id === "tags" && editing?.run === r && editing.what === "tags" ? (
                        <input class="tags-input" aria-label={`Tags of ${r}, comma-separated`} defaultValue={(row?.tags ?? []).join(", ")} ref={focusOnce}
                          onKeyDown={(e) => {
                            if (e.key === "Enter") { save(r, { tags: (e.target as HTMLInputElement).value.split(",").map((t) => t.trim()).filter(Boolean) }); setEditing(null); }
                            if (e.key === "Escape") setEditing(null);
                          }} onBlur={() => setEditing(null)} />
                      ) : c.id === "tags" ? (
                        <span onDblClick={props.readOnly ? undefined : () => setEditing({ run: r, what: "tags" })}>{(row?.tags ?? []).map((t) => <span key={t} class="run-tag">{t}</span>)}</span>
                      ) : cellText(row, c)}
                    </td>
                  ))}
                  <td class="acts">
                    {!props.readOnly && <button class="row-menu" title="Rename, tag, color, delete" onClick={() => setMenu(menu === r ? null : r)}>⋯</button>}
                    {menu === r && !props.readOnly && (
                      <div class="menu" onMouseLeave={() => setMenu(null)}>
                        <button class="m-rename" onClick={() => { setMenu(null); setEditing({ run: r, what: "name" }); }}>Rename…</button>
                        <button class="m-tags" onClick={() => { setMenu(null); setView({ wideRuns: true, runCols: chosen.includes("tags") ? chosen : [...chosen, "tags"] }); setEditing({ run: r, what: "tags" }); }}>Edit tags…</button>
                        {row?.color && <button class="m-color" onClick={() => { setMenu(null); save(r, { color: "" }); }}>Default color</button>}
                        {row?.display_name && <button class="m-unname" onClick={() => { setMenu(null); save(r, { display_name: "" }); }}>Original name</button>}
                        <button class="m-delete danger" onClick={() => { setMenu(null); remove(r); }}>Delete…</button>
                      </div>
                    )}
                  </td>
                </tr>
              );
            })}
            {last < sorted.length && <tr style={{ height: `${(sorted.length - last) * ROW_H}px` }} />}
          </tbody>
        </table>
      </div>
    </section>
  );
}
