// The shell: a navigation bar listing only the dashboards that have data, the run selector,
// each dashboard's settings, empty/loading states and live reload. The active dashboard,
// selected runs and settings live in the URL, so a link opens the same view.
import { lazy, Suspense } from "preact/compat";
import { useCallback, useEffect, useState } from "preact/hooks";
import { api, type Health, kinds, type RunInfo, type Status, type TagsByRun } from "./api/client";
import { runColor } from "./core/colors";
import { readState, safeRegex, type ViewState, writeState } from "./core/urlState";
import { chartFilters, HealthBadge, HealthPanel } from "./plugins/health/HealthPanel";
import { ScalarsDashboard } from "./plugins/scalars/ScalarsDashboard";

// Every other dashboard is its own chunk, loaded when first opened: a page opened on the
// images dashboard does not parse the markdown, three.js or hparams code.
const AudioDashboard = lazy(() => import("./plugins/audio/AudioDashboard").then((m) => ({ default: m.AudioDashboard })));
const CustomScalarsDashboard = lazy(() => import("./plugins/custom_scalars/CustomScalarsDashboard").then((m) => ({ default: m.CustomScalarsDashboard })));
const DistributionsDashboard = lazy(() => import("./plugins/histograms/DistributionsDashboard").then((m) => ({ default: m.DistributionsDashboard })));
const ExplanationsDashboard = lazy(() => import("./plugins/explanations/ExplanationsDashboard").then((m) => ({ default: m.ExplanationsDashboard })));
const HistogramsDashboard = lazy(() => import("./plugins/histograms/HistogramsDashboard").then((m) => ({ default: m.HistogramsDashboard })));
const HParamsDashboard = lazy(() => import("./plugins/hparams/HParamsDashboard").then((m) => ({ default: m.HParamsDashboard })));
const loadImages = () => import("./plugins/images/ImagesDashboard");
const ImagesDashboard = lazy(() => loadImages().then((m) => ({ default: m.ImagesDashboard })));
const MeshDashboard = lazy(() => import("./plugins/mesh/MeshDashboard").then((m) => ({ default: m.MeshDashboard })));
const PrCurvesDashboard = lazy(() => import("./plugins/pr_curves/PrCurvesDashboard").then((m) => ({ default: m.PrCurvesDashboard })));
const TextDashboard = lazy(() => import("./plugins/text/TextDashboard").then((m) => ({ default: m.TextDashboard })));

const POLL_MS = 3000;
const STATUS_EVERY = 10; // polls between status reads while data shows (a status read walks the logdir)

// Dashboards in nav order; `plugin` is the data they need (several may share one).
const DASHBOARDS = [
  { id: "scalars", label: "Scalars", plugin: "scalars" },
  { id: "custom_scalars", label: "Custom scalars", plugin: "custom_scalars" },
  { id: "images", label: "Images", plugin: "images" },
  { id: "audio", label: "Audio", plugin: "audio" },
  { id: "histograms", label: "Histograms", plugin: "histograms" },
  { id: "distributions", label: "Distributions", plugin: "histograms" },
  { id: "text", label: "Text", plugin: "text" },
  { id: "pr_curves", label: "PR curves", plugin: "pr_curves" },
  { id: "hparams", label: "HParams", plugin: "hparams" },
  { id: "mesh", label: "Mesh", plugin: "mesh" },
  { id: "explanations", label: "Explanations", plugin: "explanations" },
] as const;
// Plugins whose runs come from their own tag list (the others show the scalar runs).
const TAGGED = new Set(["images", "audio", "histograms", "text", "pr_curves", "explanations"]);

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

function Slider(props: { label: string; value: number; min: number; max: number; step: number; onInput: (v: number) => void; cls: string }) {
  return (
    <label class="row">{props.label}
      <input type="range" class={props.cls} min={props.min} max={props.max} step={props.step} value={props.value}
        onInput={(e) => props.onInput(Number((e.target as HTMLInputElement).value))} />
      <span class="num">{props.value.toFixed(2)}</span>
    </label>
  );
}

function Settings({ dash, view, setView }: { dash: string; view: ViewState; setView: (v: Partial<ViewState>) => void }) {
  const lineSettings = (
    <>
      <Slider label="Smoothing" cls="smoothing" value={view.smoothing} min={0} max={0.99} step={0.01} onInput={(v) => setView({ smoothing: v })} />
      <label class="row">Horizontal axis
        <select value={view.xAxis} onChange={(e) => setView({ xAxis: (e.target as HTMLSelectElement).value as ViewState["xAxis"] })}>
          <option value="step">Step</option><option value="relative">Relative</option><option value="wall">Wall</option>
        </select>
      </label>
      <label class="check"><input type="checkbox" checked={view.logY} onChange={() => setView({ logY: !view.logY })} /> Log-scale y</label>
      <label class="check"><input type="checkbox" checked={view.logX} onChange={() => setView({ logX: !view.logX })} /> Log-scale x</label>
      <label class="check"><input type="checkbox" checked={view.ignoreOutliers} onChange={() => setView({ ignoreOutliers: !view.ignoreOutliers })} /> Ignore outliers in chart scaling</label>
    </>
  );
  const body = {
    scalars: lineSettings,
    custom_scalars: lineSettings,
    hparams: lineSettings,
    images: (
      <>
        <Slider label="Brightness" cls="brightness" value={view.brightness} min={0} max={5} step={0.05} onInput={(v) => setView({ brightness: v })} />
        <Slider label="Contrast" cls="contrast" value={view.contrast} min={0} max={5} step={0.05} onInput={(v) => setView({ contrast: v })} />
        <label class="check"><input type="checkbox" class="actual-size" checked={view.actualSize} onChange={() => setView({ actualSize: !view.actualSize })} /> Show actual image size</label>
        {(view.brightness !== 1 || view.contrast !== 1) && <button onClick={() => setView({ brightness: 1, contrast: 1 })}>Reset brightness/contrast</button>}
      </>
    ),
    histograms: (
      <label class="row">Mode
        <select class="hist-mode" value={view.histMode} onChange={(e) => setView({ histMode: (e.target as HTMLSelectElement).value as ViewState["histMode"] })}>
          <option value="offset">Offset</option><option value="overlay">Overlay</option>
        </select>
      </label>
    ),
    distributions: (
      <label class="row">Horizontal axis
        <select value={view.xAxis} onChange={(e) => setView({ xAxis: (e.target as HTMLSelectElement).value as ViewState["xAxis"] })}>
          <option value="step">Step</option><option value="relative">Relative</option><option value="wall">Wall</option>
        </select>
      </label>
    ),
    text: <label class="check"><input type="checkbox" checked={view.markdown} onChange={() => setView({ markdown: !view.markdown })} /> Render markdown</label>,
  }[dash];
  if (!body) return null;
  return <section><h3>Settings</h3>{body}</section>;
}

// The dashboard named in the URL is known before the server answers: start loading its code
// and its tag list at once instead of after /api/plugins (saves two round trips on a cold open).
const initialDash = new URLSearchParams(window.location.search).get("dash") ?? "";
const initialPlugin = DASHBOARDS.find((d) => d.id === initialDash)?.plugin ?? "";
const initialTags: Promise<{ runs: TagsByRun; generation: number }> | null =
  TAGGED.has(initialPlugin) ? kinds.tags(initialPlugin) : null;
if (initialDash === "images") void loadImages();

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

  const available = DASHBOARDS.filter((d) => plugins?.includes(d.plugin));
  const active = available.find((d) => d.id === view.dash) ?? available[0];
  const activePlugin = active?.plugin ?? "";

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
    if (!TAGGED.has(activePlugin)) return;
    let stop = false;
    // The prefetched list is used only if it was read at the generation shown now.
    const prefetched = kindTags === null && initialTags && initialPlugin === activePlugin;
    const load = prefetched
      ? initialTags!.then((t) => (t.generation === generation ? t : kinds.tags(activePlugin)))
      : kinds.tags(activePlugin);
    load.then((t) => { if (!stop) setKindTags({ plugin: activePlugin, tags: t.runs }); }).catch((e: Error) => setError(e.message));
    return () => { stop = true; };
  }, [activePlugin, generation]);

  const tagsForRuns: TagsByRun | null = TAGGED.has(activePlugin)
    ? (kindTags?.plugin === activePlugin ? kindTags.tags : null)
    : activePlugin === "mesh" ? null : scalarTags;
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
  else if (active.id === "scalars") main = <ScalarsDashboard tags={scalarTags ?? {}} selectedRuns={selected} {...common} />;
  else if (active.id === "custom_scalars") main = <CustomScalarsDashboard {...common} scalarTags={scalarTags ?? {}} selectedRuns={selected} />;
  else if (active.id === "images") main = <ImagesDashboard {...common} tags={tagsForRuns} selectedRuns={selected} />;
  else if (active.id === "audio") main = <AudioDashboard {...common} tags={tagsForRuns} selectedRuns={selected} />;
  else if (active.id === "histograms") main = <HistogramsDashboard {...common} tags={tagsForRuns} selectedRuns={selected} />;
  else if (active.id === "distributions") main = <DistributionsDashboard {...common} tags={tagsForRuns} selectedRuns={selected} />;
  else if (active.id === "text") main = <TextDashboard {...common} tags={tagsForRuns} selectedRuns={selected} />;
  else if (active.id === "pr_curves") main = <PrCurvesDashboard {...common} tags={tagsForRuns} selectedRuns={selected} />;
  else if (active.id === "explanations") main = <ExplanationsDashboard {...common} tags={tagsForRuns} selectedRuns={selected} />;
  else if (active.id === "hparams") main = <HParamsDashboard {...common} scalarTags={scalarTags} />;
  else main = <MeshDashboard {...common} selectedRuns={selected} />;

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
        <aside>
          {active && <Settings dash={active.id} view={view} setView={setView} />}
          {active?.id !== "hparams" && (
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
        </aside>
        <main><Suspense fallback={<div class="loading">loading…</div>}>{main}</Suspense></main>
      </div>
    </div>
  );
}
