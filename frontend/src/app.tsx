// The shell: header with dashboards and settings, run selector, empty/loading states, live reload.
import { useCallback, useEffect, useState } from "preact/hooks";
import { api, type RunInfo, type Status } from "./api/client";
import { runColor } from "./core/colors";
import { readState, safeRegex, type ViewState, writeState } from "./core/urlState";
import { ScalarsDashboard } from "./plugins/scalars/ScalarsDashboard";

const POLL_MS = 3000;

function EmptyState({ status }: { status: Status | null }) {
  if (!status) return <div class="empty">Loading…</div>;
  if (status.indexing) return <div class="empty">Indexing the logdir… {(status.progress * 100).toFixed(0)}%</div>;
  return (
    <div class="empty diagnose">
      <h2>No scalar data found</h2>
      <p>Scanned: {status.logdirs.map((d) => <code key={d}>{d}</code>)}</p>
      <ul>
        {status.missing.map((m) => <li key={m}>The folder <code>{m}</code> does not exist.</li>)}
        {status.suggestion && <li>{status.suggestion}</li>}
        {!status.missing.length && status.event_files === 0 && <li>No event files (names containing <code>tfevents</code>) were found in it or its subfolders.</li>}
        {status.event_files > 0 && <li>{status.event_files} event file(s) found, but none holds scalar summaries yet.</li>}
        {status.unreadable.map((u) => <li key={u}>Cannot read <code>{u}</code> (permissions).</li>)}
        {status.problems.map((p) => <li key={p}>{p}</li>)}
      </ul>
      <p class="muted">The page updates by itself when data arrives.</p>
    </div>
  );
}

export function App() {
  const [view, setViewState] = useState<ViewState>(readState);
  const [runs, setRuns] = useState<RunInfo[]>([]);
  const [tags, setTags] = useState<Record<string, Record<string, unknown>> | null>(null);
  const [status, setStatus] = useState<Status | null>(null);
  const [generation, setGeneration] = useState(-1);
  const [error, setError] = useState<string | null>(null);

  const setView = useCallback((patch: Partial<ViewState>) => {
    setViewState((v) => { const next = { ...v, ...patch }; writeState(next); return next; });
  }, []);

  useEffect(() => { document.documentElement.dataset.theme = view.dark ? "dark" : "light"; writeState(view); }, [view.dark]);

  useEffect(() => {
    let stop = false;
    const tick = async () => {
      try {
        const p = await api.plugins();
        setError(null);
        if (p.generation !== generation) {
          const [r, t] = await Promise.all([api.runs(), api.scalarTags()]);
          if (stop) return;
          setRuns(r);
          setTags(t.runs);
          setGeneration(p.generation);
        }
        if (!p.plugins.includes("scalars")) setStatus(await api.status());
      } catch (e) {
        setError(`cannot reach the server: ${(e as Error).message}`);
      }
    };
    void tick();
    const id = window.setInterval(tick, POLL_MS);
    return () => { stop = true; window.clearInterval(id); };
  }, [generation]);

  const allRuns = runs.map((r) => r.name).filter((r) => tags && tags[r]);
  const colors: Record<string, string> = {};
  for (const r of allRuns) colors[r] = runColor(r, allRuns);
  const re = safeRegex(view.runFilter);
  const listed = allRuns.filter((r) => !re || re.test(r));
  const selected = listed.filter((r) => !view.hidden.includes(r));
  const toggle = (run: string) => setView({
    hidden: view.hidden.includes(run) ? view.hidden.filter((h) => h !== run) : [...view.hidden, run],
  });
  const allOn = listed.every((r) => !view.hidden.includes(r));
  const hasData = tags !== null && allRuns.length > 0;

  return (
    <div class="app">
      <header>
        <span class="brand">Ridgeline</span>
        <nav>{hasData && <a class="active" href="#scalars">Scalars</a>}</nav>
        <span class="spacer" />
        {error && <span class="error">{error}</span>}
        <button class="theme" title="Toggle dark mode" onClick={() => setView({ dark: !view.dark })}>{view.dark ? "☀" : "☾"}</button>
      </header>
      <div class="body">
        <aside>
          <section>
            <h3>Settings</h3>
            <label class="row">Smoothing
              <input type="range" class="smoothing" min="0" max="0.99" step="0.01" value={view.smoothing}
                onInput={(e) => setView({ smoothing: Number((e.target as HTMLInputElement).value) })} />
              <span class="num">{view.smoothing.toFixed(2)}</span>
            </label>
            <label class="row">Horizontal axis
              <select value={view.xAxis} onChange={(e) => setView({ xAxis: (e.target as HTMLSelectElement).value as ViewState["xAxis"] })}>
                <option value="step">Step</option><option value="relative">Relative</option><option value="wall">Wall</option>
              </select>
            </label>
            <label class="check"><input type="checkbox" checked={view.logY} onChange={() => setView({ logY: !view.logY })} /> Log-scale y</label>
            <label class="check"><input type="checkbox" checked={view.logX} onChange={() => setView({ logX: !view.logX })} /> Log-scale x</label>
            <label class="check"><input type="checkbox" checked={view.ignoreOutliers} onChange={() => setView({ ignoreOutliers: !view.ignoreOutliers })} /> Ignore outliers in chart scaling</label>
          </section>
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
                </li>
              ))}
            </ul>
          </section>
        </aside>
        <main>
          {hasData
            ? <ScalarsDashboard tags={tags!} selectedRuns={selected} colors={colors} view={view} setView={setView} generation={generation} />
            : <EmptyState status={status} />}
        </main>
      </div>
    </div>
  );
}
