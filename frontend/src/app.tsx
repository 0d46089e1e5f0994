// The shell: a navigation bar listing only the dashboards that have data, the logdir, reload
// (a button and an interval), the runs table, each dashboard's settings, empty/loading states. The active dashboard,
// selected runs and settings live in the URL, so a link opens the same view.
import { Suspense } from "preact/compat";
import { useCallback, useEffect, useMemo, useState } from "preact/hooks";
import { type Access, accessApi, api, type Health, kinds, type RunInfo, type RunTable, runsApi, type Status, type TagsByRun } from "./api/client";
import { groupKey } from "./charts/groups";
import { runColor } from "./core/colors";
import { DashboardTabs } from "./core/DashboardTabs";
import { DASHBOARDS } from "./core/registry";
import { filterRuns, shownColumns, statMetrics } from "./core/runs";
import { RunsTable } from "./core/RunsTable";
import { readState, type ViewState, writeState } from "./core/urlState";
import { chartFilters, HealthPanel } from "./plugins/health/HealthPanel";

const STATUS_EVERY = 10; // polls between status reads while data shows (a status read walks the logdir)

// Why nothing shows, each reason once: the server's suggestion already names a missing folder
// (with the nearest one that exists) or says that no event files were found.
function reasons(status: Status): { key: string; text: preact.ComponentChildren }[] {
  const hint = status.suggestion ?? "";
  const out: { key: string; text: preact.ComponentChildren }[] = [];
  for (const m of status.missing) {
    if (!hint.startsWith(m)) out.push({ key: `m:${m}`, text: <>The folder <code>{m}</code> does not exist.</> });
  }
  if (hint) out.push({ key: "hint", text: hint.charAt(0).toUpperCase() + hint.slice(1) + "." });
  else if (!status.missing.length && status.event_files === 0) {
    out.push({ key: "none", text: <>No event files (names containing <code>tfevents</code>) were found in it or its subfolders.</> });
  }
  if (status.event_files > 0) out.push({ key: "empty", text: `${status.event_files} event file(s) found, but none holds summaries yet.` });
  for (const u of status.unreadable) out.push({ key: `u:${u}`, text: <>Cannot read <code>{u}</code> (permissions).</> });
  for (const p of new Set(status.problems)) if (p !== hint) out.push({ key: `p:${p}`, text: p });
  return out;
}

function EmptyState({ status }: { status: Status | null }) {
  if (!status) return <div class="empty">Loading…</div>;
  if (status.indexing) return <div class="empty">Indexing the logdir… {(status.progress * 100).toFixed(0)}%</div>;
  return (
    <div class="empty diagnose">
      <h2>No data found</h2>
      <p>Scanned: {status.logdirs.map((d) => <code key={d}>{d}</code>)}</p>
      <ul>
        {reasons(status).map((r) => <li key={r.key}>{r.text}</li>)}
      </ul>
      <p class="muted">The page updates by itself when data arrives.</p>
    </div>
  );
}

// The dashboard named in the URL is known before the server answers: start loading its code
// and its tag list at once instead of after /api/plugins (saves two round trips on a cold open).
const initialSpec = DASHBOARDS.find((d) => d.id === (new URLSearchParams(window.location.search).get("dash") ?? ""));
const initialPlugin = initialSpec?.runs === "tags" ? initialSpec.tagsPlugin ?? "" : "";
const initialTags: Promise<{ runs: TagsByRun; generation: number }> | null =
  initialPlugin ? kinds.tags(initialPlugin) : null;
void initialSpec?.preload?.();

export function App() {
  const [view, setViewState] = useState<ViewState>(readState);
  const [runs, setRuns] = useState<RunInfo[]>([]);
  const [plugins, setPlugins] = useState<string[] | null>(null);
  const [scalarTags, setScalarTags] = useState<TagsByRun | null>(null);
  const [kindTags, setKindTags] = useState<{ plugin: string; tags: TagsByRun } | null>(null);
  const [status, setStatus] = useState<Status | null>(null);
  const [generation, setGeneration] = useState(-1);
  const [error, setError] = useState<string | null>(null);
  const [showWarnings, setShowWarnings] = useState(false);
  const [health, setHealth] = useState<Health>({});
  const [healthRun, setHealthRun] = useState<string | null>(null);
  const [runTable, setRunTable] = useState<RunTable | null>(null);
  const [access, setAccess] = useState<Access | null>(null);
  useEffect(() => { accessApi.get().then(setAccess).catch(() => setAccess(null)); }, []);
  const [tableNonce, setTableNonce] = useState(0);

  const setView = useCallback((patch: Partial<ViewState>) => {
    setViewState((v) => { const next = { ...v, ...patch }; writeState(next); return next; });
  }, []);

  useEffect(() => { document.documentElement.dataset.theme = view.dark ? "dark" : "light"; writeState(view); }, [view.dark]);

  const available = DASHBOARDS.filter((d) => d.plugins.some((p) => plugins?.includes(p)));
  const active = available.find((d) => d.id === view.dash) ?? available[0];
  const activePlugin = active?.runs === "tags" ? active.tagsPlugin ?? "" : "";

  useEffect(() => {
    let stop = false;
    let polls = 0;
    const tick = async () => {
      try {
        const p = await api.plugins();
        setError(null);
        const changed = p.generation !== generation;
        // What went wrong while indexing (skipped records, unreadable files...) is shown even
        // when data is there: read when data changes, and now and then.
        if (changed || polls++ % STATUS_EVERY === 0 || p.plugins.length === 0) {
          const st = await api.status();
          if (!stop) setStatus(st);
        }
        if (changed) {
          const [r, t] = await Promise.all([api.runs(), api.scalarTags()]);
          if (stop) return;
          setRuns(r);
          setScalarTags(t.runs);
          setPlugins(p.plugins);
          setGeneration(p.generation);
        }
      } catch (e) {
        setError(`cannot reach the server: ${(e as Error).message}`);
      }
    };
    void tick();
    const id = view.reloadSecs > 0 ? window.setInterval(tick, view.reloadSecs * 1000) : 0;
    return () => { stop = true; window.clearInterval(id); };
  }, [generation, view.reloadSecs]);

  // The runs table: read when data changes, after an edit, and when columns need other stats.
  // (an expression's best./min./max. fields are read too, whether or not their columns show)
  const sortCol = view.runSort.slice(0, Math.max(0, view.runSort.lastIndexOf(":")));
  const stats = statMetrics([...shownColumns(view.runCols, runTable), sortCol], view.runFilter).join("\n");
  useEffect(() => {
    if (generation < 0) return;
    let stop = false;
    runsApi.table(stats ? stats.split("\n") : []).then((t) => { if (!stop) setRunTable(t); }).catch(() => { /* the list still shows */ });
    return () => { stop = true; };
  }, [generation, stats, tableNonce]);

  // Training health is read again whenever the data changes.
  useEffect(() => {
    if (generation < 0) return;
    let stop = false;
    api.health().then((h) => { if (!stop) setHealth(h); }).catch(() => { /* the rest still shows */ });
    return () => { stop = true; };
  }, [generation]);

  useEffect(() => {
    if (!activePlugin) return;
    let stop = false;
    // The prefetched list is used only if it was read at the generation shown now.
    const prefetched = kindTags === null && initialTags && initialPlugin === activePlugin;
    const load = prefetched
      ? initialTags!.then((t) => (t.generation === generation ? t : kinds.tags(activePlugin)))
      : kinds.tags(activePlugin);
    load.then((t) => { if (!stop) setKindTags({ plugin: activePlugin, tags: t.runs }); }).catch((e: Error) => setError(e.message));
    return () => { stop = true; };
  }, [activePlugin, generation]);

  const tagsForRuns: TagsByRun | null = activePlugin
    ? (kindTags?.plugin === activePlugin ? kindTags.tags : null)
    : active?.runs === "scalars" ? scalarTags : null;
  // Derived maps keep their identity until what they are made of changes: charts compare them,
  // and a new object each render would redraw every chart on every keystroke.
  const everyRun = useMemo(() => runs.map((r) => r.name), [runs]);
  const rowOf = useMemo(() => new Map((runTable?.runs ?? []).map((r) => [r.name, r])), [runTable]);
  const [colors, labels] = useMemo(() => {
    const c: Record<string, string> = {};
    const l: Record<string, string> = {};
    for (const r of everyRun) {
      c[r] = runColor(r, rowOf.get(r)?.color || rowOf.get(r)?.auto_color);
      l[r] = rowOf.get(r)?.display_name || r;
    }
    return [c, l];
  }, [everyRun, rowOf]);
  const allRuns = useMemo(() => (tagsForRuns ? everyRun.filter((r) => tagsForRuns[r]) : everyRun), [everyRun, tagsForRuns]);
  const filtered = useMemo(() => filterRuns(allRuns, rowOf, view.runFilter), [allRuns, rowOf, view.runFilter]);
  const listed = filtered.names;
  const selected = useMemo(() => {
    const hidden = new Set(view.hidden);
    return listed.filter((r) => !hidden.has(r));
  }, [listed, view.hidden]);
  // The dashboards follow the selection a moment later: the runs table answers a keystroke or
  // a click at once, and the charts redraw once typing pauses.
  const selectedKey = selected.join("\n");
  const [shownKey, setShownKey] = useState<string | null>(null);
  useEffect(() => {
    if (shownKey === null || !selected.length) { setShownKey(selectedKey); return; }
    const id = window.setTimeout(() => setShownKey(selectedKey), 150);
    return () => window.clearTimeout(id);
  }, [selectedKey]);
  const dashRuns = useMemo(() => (shownKey ? shownKey.split("\n") : []), [shownKey]);
  const groups = useMemo(() => (view.groupBy
    ? Object.fromEntries(dashRuns.map((r) => [r, groupKey(view.groupBy, labels[r] ?? r, rowOf.get(r)?.hparams ?? {}, rowOf.get(r)?.tags ?? [])]))
    : null), [dashRuns, view.groupBy, labels, rowOf]);
  const common = { view, setView, generation, colors, labels, groups };
  const xTags = useMemo(() => [...new Set(dashRuns.flatMap((r) => Object.keys(scalarTags?.[r] ?? {})))].sort(), [dashRuns, scalarTags]);
  const reload = () => { setGeneration(-1); setTableNonce((n) => n + 1); };

  let main;
  if (!active) main = <EmptyState status={plugins === null ? null : status} />;
  else {
    const Dash = active.component;
    main = <Dash {...common} tags={activePlugin ? tagsForRuns : null} scalarTags={scalarTags} selectedRuns={dashRuns} plugins={plugins ?? []} />;
  }
  const Settings = active?.Settings;

  return (
    <div class="app" style={{ "--card-min": `${view.cardWidth}px` }}>
      <header>
        <span class="brand">Ridgeline</span>
        <DashboardTabs tabs={available} active={active?.id} onPick={(id) => setView({ dash: id, tagFilter: "" })} />
        {status && status.logdirs.length > 0 && (
          <span class="logdir" title={`Reading ${status.logdirs.join(", ")}`}>{status.logdirs.join(", ")}</span>
        )}
        {document.documentElement.dataset.report && <span class="report-badge" title="An exported report: read-only, no server">report of {document.documentElement.dataset.report}</span>}
        <button class="reload" title="Read new data now" onClick={reload}>reload</button>
        <select class="reload-every" title="Reload by itself every…" aria-label="Reload by itself every…" value={String(view.reloadSecs)}
          onChange={(e) => setView({ reloadSecs: Number((e.target as HTMLSelectElement).value) })}>
          {[0, 3, 10, 30, 60, 300].map((n) => <option key={n} value={n}>{n ? `every ${n < 60 ? `${n}s` : `${n / 60}m`}` : "no auto-reload"}</option>)}
        </select>
        {error && <span class="error">{error}</span>}
        {active && status && status.problems.length > 0 && (
          <button class="warnings" title="What could not be read" onClick={() => setShowWarnings(!showWarnings)}>
            {status.problems.length} warning{status.problems.length === 1 ? "" : "s"}
          </button>
        )}
        <button class="theme" title="Toggle dark mode" onClick={() => setView({ dark: !view.dark })}>{view.dark ? "light" : "dark"}</button>
      </header>
      {showWarnings && active && status && (
        <div class="warnings-panel">
          <h3>Skipped while reading {status.logdirs.join(", ")}</h3>
          <ul>{status.problems.map((p) => <li key={p}>{p}</li>)}</ul>
          <p class="muted">Everything else is shown. <code>ridgeline inspect --logdir …</code> prints the same list.</p>
        </div>
      )}
      {healthRun && (
        <HealthPanel run={healthRun} health={health} onClose={() => setHealthRun(null)}
          showChart={(run, tag) => { setHealthRun(null); setView({ dash: "scalars", ...chartFilters(run, tag), hidden: [] }); }} />
      )}
      <div class="body">
        {(Settings || (active && active.runs !== "none")) && <aside class={view.wideRuns ? "wide" : ""}>
          {Settings && !view.wideRuns && <section class="settings"><h3>{active?.label} settings</h3><Settings view={view} setView={setView} xTags={xTags} /></section>}
          {active && active.runs !== "none" && (
            <RunsTable table={runTable} candidates={allRuns} listed={listed} filterKind={filtered.kind} filterError={filtered.error}
              view={view} setView={setView} colors={colors} labels={labels} health={health}
              onHealth={(r) => setHealthRun(healthRun === r ? null : r)} onChanged={reload} readOnly={access?.read_only ?? false} />
          )}
        </aside>}
        {/* Expanded, the runs table takes the page; the dashboard comes back on collapse. */}
        {!view.wideRuns && <main><Suspense fallback={<div class="loading">loading…</div>}>{main}</Suspense></main>}
      </div>
    </div>
  );
}
