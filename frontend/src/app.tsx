// The shell: a navigation bar listing only the dashboards that have data, the run selector,
// each dashboard's settings, empty/loading states and live reload. The active dashboard,
// selected runs and settings live in the URL, so a link opens the same view.
import { Suspense } from "preact/compat";
import { useCallback, useEffect, useState } from "preact/hooks";
import { api, type Health, kinds, type RunInfo, type Status, type TagsByRun } from "./api/client";
import { runColor } from "./core/colors";
import { DASHBOARDS } from "./core/registry";
import { readState, safeRegex, type ViewState, writeState } from "./core/urlState";
import { chartFilters, HealthBadge, HealthPanel } from "./plugins/health/HealthPanel";

const POLL_MS = 3000;
const STATUS_EVERY = 10; // polls between status reads while data shows (a status read walks the logdir)

function EmptyState({ status }: { status: Status | null }) {
  if (!status) return <div class="empty">Loading…</div>;
  if (status.indexing) return <div class="empty">Indexing the logdir… {(status.progress * 100).toFixed(0)}%</div>;
  return (
    <div class="empty diagnose">
      <h2>No data found</h2>
      <p>Scanned: {status.logdirs.map((d) => <code key={d}>{d}</code>)}</p>
      <ul>
        {status.missing.map((m) => <li key={m}>The folder <code>{m}</code> does not exist.</li>)}
        {status.suggestion && <li>{status.suggestion}</li>}
        {!status.missing.length && status.event_files === 0 && <li>No event files (names containing <code>tfevents</code>) were found in it or its subfolders.</li>}
        {status.event_files > 0 && <li>{status.event_files} event file(s) found, but none holds summaries yet.</li>}
        {status.unreadable.map((u) => <li key={u}>Cannot read <code>{u}</code> (permissions).</li>)}
        {status.problems.map((p) => <li key={p}>{p}</li>)}
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
    const id = window.setInterval(tick, POLL_MS);
    return () => { stop = true; window.clearInterval(id); };
  }, [generation]);

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
  const everyRun = runs.map((r) => r.name);
  const colors: Record<string, string> = {};
  for (const r of everyRun) colors[r] = runColor(r, everyRun);
  const allRuns = tagsForRuns ? everyRun.filter((r) => tagsForRuns[r]) : everyRun;
  const re = safeRegex(view.runFilter);
  const listed = allRuns.filter((r) => !re || re.test(r));
  const selected = listed.filter((r) => !view.hidden.includes(r));
  const toggle = (run: string) => setView({
    hidden: view.hidden.includes(run) ? view.hidden.filter((h) => h !== run) : [...view.hidden, run],
  });
  const allOn = listed.every((r) => !view.hidden.includes(r));
  const common = { view, setView, generation, colors };

  let main;
  if (!active) main = <EmptyState status={plugins === null ? null : status} />;
  else {
    const Dash = active.component;
    main = <Dash {...common} tags={activePlugin ? tagsForRuns : null} scalarTags={scalarTags} selectedRuns={selected} />;
  }
  const Settings = active?.Settings;

  return (
    <div class="app">
      <header>
        <span class="brand">Ridgeline</span>
        <nav>
          {available.map((d) => (
            <a key={d.id} class={d.id === active?.id ? "active" : ""} data-dash={d.id} href={`?dash=${d.id}`}
              onClick={(e) => { e.preventDefault(); setView({ dash: d.id, tagFilter: "" }); }}>{d.label}</a>
          ))}
        </nav>
        <span class="spacer" />
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
        {(Settings || (active && active.runs !== "none")) && <aside>
          {Settings && <section><h3>Settings</h3><Settings view={view} setView={setView} /></section>}
          {active && active.runs !== "none" && (
            <section class="runs">
              <h3>Runs</h3>
              <input class="run-filter" placeholder="Filter runs (regex)" value={view.runFilter}
                onInput={(e) => setView({ runFilter: (e.target as HTMLInputElement).value })} />
              <label class="check all"><input type="checkbox" checked={allOn} onChange={() =>
                setView({ hidden: allOn ? [...new Set([...view.hidden, ...listed])] : view.hidden.filter((h) => !listed.includes(h)) })} /> Select all ({listed.length})</label>
              <ul>
                {listed.map((r) => (
                  <li key={r}>
                    <label class="check run" title={r}>
                      <input type="checkbox" checked={!view.hidden.includes(r)} onChange={() => toggle(r)} />
                      <span class="swatch" style={{ background: colors[r] }} />
                      <span class="run-name">{r}</span>
                    </label>
                    <HealthBadge findings={health[r]} onClick={() => setHealthRun(healthRun === r ? null : r)} />
                  </li>
                ))}
              </ul>
            </section>
          )}
        </aside>}
        <main><Suspense fallback={<div class="loading">loading…</div>}>{main}</Suspense></main>
      </div>
    </div>
  );
}
