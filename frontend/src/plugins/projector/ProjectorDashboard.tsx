// The embedding projector: choose a run's embedding, project it with PCA (pick the components,
// see the variance they explain), t-SNE or UMAP (their parameters; progress while the server
// computes, t-SNE animating), colour, label and filter by any metadata column, search, show
// sprite thumbnails and density contours, and click a point to list its nearest neighbours in
// the original space.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { type EmbeddingInfo, type ProjectionJob, projector } from "../../api/client";
import { useFetch } from "../../core/hooks";
import type { DashboardProps } from "../../core/registry";
import { safeRegex } from "../../core/urlState";
import { Scatter } from "./Scatter";

const PALETTE = [
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
  "#393b79", "#e6550d", "#31a354", "#843c39", "#7b4173", "#3182bd", "#fd8d3c", "#74c476", "#9e9ac8", "#636363",
];
const MAX_CATEGORIES = 50; // TensorBoard colours categorically up to 50 distinct values

function rgb(hex: string): [number, number, number] {
  const v = parseInt(hex.slice(1), 16);
  return [((v >> 16) & 255) / 255, ((v >> 8) & 255) / 255, (v & 255) / 255];
}

function hsl(h: number, s: number, l: number): [number, number, number] {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => { const k = (n + h / 30) % 12; return l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1)); };
  return [f(0), f(8), f(4)];
}

interface Coloring { colors: Float32Array; legend: { label: string; color: string }[]; note: string }

function colorBy(n: number, column: string[] | null, dark: boolean): Coloring {
  const colors = new Float32Array(n * 3);
  const plain = dark ? [1, 0.63, 0.25] : [0.9, 0.32, 0];
  if (!column) {
    for (let i = 0; i < n; i++) colors.set(plain, i * 3);
    return { colors, legend: [], note: "" };
  }
  const nums = column.map((v) => (v.trim() === "" ? NaN : Number(v)));
  const numeric = nums.every((v) => Number.isFinite(v));
  const distinct = [...new Set(column)];
  if (!numeric && distinct.length > MAX_CATEGORIES) {
    for (let i = 0; i < n; i++) colors.set(plain, i * 3);
    return { colors, legend: [], note: `${distinct.length} distinct values: too many to colour by (at most ${MAX_CATEGORIES})` };
  }
  if (numeric && distinct.length > MAX_CATEGORIES) {
    let lo = Infinity, hi = -Infinity;
    for (const v of nums) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    for (let i = 0; i < n; i++) colors.set(hsl(240 - 220 * ((nums[i] - lo) / (hi - lo || 1)), 0.75, 0.5), i * 3);
    return { colors, legend: [{ label: String(lo), color: "hsl(240,75%,50%)" }, { label: String(hi), color: "hsl(20,75%,50%)" }], note: "" };
  }
  const sorted = numeric ? distinct.sort((a, b) => Number(a) - Number(b)) : distinct.sort();
  const index = new Map(sorted.map((v, i) => [v, i]));
  const pick = (k: number) => (k < PALETTE.length ? PALETTE[k] : `hsl(${(k * 137.5) % 360}, 65%, 50%)`);
  for (let i = 0; i < n; i++) {
    const k = index.get(column[i]) ?? 0;
    colors.set(k < PALETTE.length ? rgb(PALETTE[k]) : hsl((k * 137.5) % 360, 0.65, 0.5), i * 3);
  }
  return { colors, legend: sorted.map((label, k) => ({ label, color: pick(k) })), note: "" };
}

function useCoords(info: EmbeddingInfo | undefined, run: string, method: string, dims: 2 | 3, axes: number[], spherize: boolean,
  job: ProjectionJob | null, jobCoords: Float32Array | null) {
  const [pca, setPca] = useState<{ data: Float32Array; cols: number; variance: number[]; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!info || method !== "pca") return;
    let stop = false;
    // Only the components the axes show (1M points x 10 components would be 40 MB).
    const cols = Math.min(info.shape[1], Math.max(dims, ...axes.slice(0, dims)) + 1, 10);
    projector.pca(run, info.name, cols, spherize).then((r) => {
      if (stop) return;
      const v = JSON.parse(r.headers.get("X-Variance") ?? "{}") as { variance: number[]; total_variance: number };
      setPca({ data: r.data, cols: r.shape[1] ?? cols, variance: v.variance ?? [], total: v.total_variance ?? 0 });
      setError(null);
    }).catch((e: Error) => { if (!stop) setError(e.message); });
    return () => { stop = true; };
  }, [info?.name, run, method, spherize, dims, axes.join(",")]);
  const coords = useMemo(() => {
    if (!info) return null;
    const n = info.shape[0];
    if (method === "pca") {
      if (!pca || pca.data.length !== n * pca.cols) return null;
      const out = new Float32Array(n * dims);
      for (let i = 0; i < n; i++) for (let d = 0; d < dims; d++) {
        const a = Math.min(axes[d] ?? d, pca.cols - 1);
        out[i * dims + d] = a < 0 ? 0 : pca.data[i * pca.cols + a];
      }
      return out;
    }
    if (job && jobCoords && job.dims === dims && jobCoords.length === n * dims) return jobCoords;
    return null;
  }, [info, pca, method, dims, axes.join(","), job?.job, jobCoords]);
  return { coords, pca, error };
}

export function ProjectorDashboard(props: DashboardProps) {
  const { view, setView } = props;
  const ext = view.ext;
  const setExt = (patch: Record<string, string>) => setView({ ext: { ...ext, ...patch } });
  const list = useFetch(() => projector.embeddings(), [props.generation]);
  const runs = Object.keys(list.data?.runs ?? {}).sort();
  const run = runs.includes(ext.prun) ? ext.prun : runs[0] ?? "";
  const embeddings = list.data?.runs[run] ?? [];
  const info = embeddings.find((e) => e.name === ext.ptensor) ?? embeddings[0];
  const method = (ext.pmethod || "pca") as "pca" | "tsne" | "umap";
  const dims = (ext.pdims === "2" ? 2 : 3) as 2 | 3;
  const axes = (ext.paxes || "0,1,2").split(",").map(Number);
  const [spherize, setSpherize] = useState(false);
  const [params, setParams] = useState({ perplexity: 30, learning_rate: 200, iterations: 500, neighbors: 15, min_dist: 0.1, sample: 20000 });
  const [job, setJob] = useState<ProjectionJob | null>(null);
  const [jobCoords, setJobCoords] = useState<Float32Array | null>(null);
  const [jobError, setJobError] = useState<string | null>(null);
  const meta = useFetch(() => (info?.has_metadata ? projector.metadata(run, info.name) : Promise.resolve({ columns: [], values: [] })), [run, info?.name, props.generation]);
  const columns = meta.data?.columns ?? [];
  const columnValues = (name: string) => { const i = columns.indexOf(name); return i >= 0 ? meta.data!.values[i] : null; };
  const colorColumn = ext.pcolor && columns.includes(ext.pcolor) ? ext.pcolor : "";
  const labelColumn = ext.plabel && columns.includes(ext.plabel) ? ext.plabel : columns[0] ?? "";
  const [search, setSearch] = useState("");
  const [searchColumn, setSearchColumn] = useState("");
  const [isolate, setIsolate] = useState(false);
  const [selected, setSelected] = useState<number | null>(null);
  const [hovered, setHovered] = useState<number | null>(null);
  const [k, setK] = useState(20);
  const [metric, setMetric] = useState<"cosine" | "euclidean">("cosine");
  const [neighbors, setNeighbors] = useState<{ index: number; distance: number }[]>([]);
  const showSprites = ext.psprite !== "0" && !!info?.sprite;
  const contours = ext.pcontours === "1";

  // t-SNE / UMAP: a server job, polled for progress and intermediate layouts.
  const polling = useRef(0);
  useEffect(() => () => { window.clearTimeout(polling.current); }, []);
  useEffect(() => { setJob(null); setJobCoords(null); setJobError(null); window.clearTimeout(polling.current); }, [run, info?.name, method, dims]);
  const runJob = async () => {
    if (!info || method === "pca") return;
    window.clearTimeout(polling.current);
    setJobError(null);
    const p: Record<string, number> = method === "tsne"
      ? { perplexity: params.perplexity, learning_rate: params.learning_rate, iterations: params.iterations, sample: params.sample }
      : { neighbors: params.neighbors, min_dist: params.min_dist, sample: params.sample };
    try {
      let j = await projector.start(run, info.name, method, dims, p);
      setJob(j);
      const tick = async () => {
        try {
          j = await projector.job(j.job);
          setJob(j);
          if (j.has_coords) setJobCoords((await projector.coords(j.job)).data);
          if (j.state === "error") setJobError(j.message);
          if (j.state === "queued" || j.state === "running") polling.current = window.setTimeout(tick, 400);
        } catch (e) { setJobError((e as Error).message); }
      };
      await tick();
    } catch (e) { setJobError((e as Error).message); }
  };

  const { coords, pca, error } = useCoords(info, run, method, dims, axes, spherize, job, jobCoords);
  const n = info?.shape[0] ?? 0;
  const coloring = useMemo(() => colorBy(n, colorColumn ? columnValues(colorColumn) : null, view.dark), [n, colorColumn, meta.data, view.dark]);
  const matches = useMemo(() => {
    const re = search ? safeRegex(search) : null;
    if (!re) return null;
    const col = columnValues(searchColumn || labelColumn);
    if (!col) return null;
    const out: number[] = [];
    col.forEach((v, i) => { if (re.test(v)) out.push(i); });
    return out;
  }, [search, searchColumn, labelColumn, meta.data]);
  const visible = useMemo(() => {
    if (!isolate || !matches) return null;
    const v = new Uint8Array(n);
    for (const i of matches) v[i] = 1;
    if (selected !== null) v[selected] = 1;
    return v;
  }, [isolate, matches, n, selected]);

  useEffect(() => {
    setNeighbors([]);
    if (selected === null || !info) return;
    let stop = false;
    projector.neighbors(run, info.name, selected, k, metric).then((r) => { if (!stop) setNeighbors(r.neighbors); }).catch(() => undefined);
    return () => { stop = true; };
  }, [selected, k, metric, info?.name, run]);
  useEffect(() => { setSelected(null); }, [run, info?.name]);

  const emphasis = useMemo(() => {
    const m = new Map<number, "selected" | "neighbor" | "match">();
    for (const i of matches ?? []) m.set(i, "match");
    for (const nb of neighbors) m.set(nb.index, "neighbor");
    if (selected !== null) m.set(selected, "selected");
    return m;
  }, [matches, neighbors, selected]);
  const labelOf = (i: number) => {
    const col = columnValues(labelColumn);
    return col ? col[i] ?? String(i) : `point ${i}`;
  };
  const labelled = useMemo(() => {
    const out: number[] = [];
    if (selected !== null) out.push(selected, ...neighbors.slice(0, 10).map((x) => x.index));
    if (hovered !== null) out.push(hovered);
    if (matches && matches.length <= 30) out.push(...matches);
    return out;
  }, [selected, neighbors, hovered, matches]);

  if (list.error) return <div class="error">{list.error}</div>;
  if (!list.data) return <div class="loading">loading…</div>;
  if (!runs.length) {
    return <div class="empty">No embeddings: {list.data.errors.map((e) => <div key={e.run} class="error">{e.run}: {e.detail}</div>)}</div>;
  }
  const variance = pca ? axes.slice(0, dims).map((a) => pca.variance[a] ?? 0) : [];
  const working = job && (job.state === "running" || job.state === "queued");

  return (
    <div class="projector">
      <div class="projector-panel">
        <section>
          <h3>Data</h3>
          <label class="row">Run
            <select class="projector-run" value={run} onChange={(e) => setExt({ prun: (e.target as HTMLSelectElement).value, ptensor: "" })}>
              {runs.map((r) => <option key={r} value={r}>{r}</option>)}
            </select>
          </label>
          <label class="row">Tensor
            <select class="projector-tensor" value={info?.name ?? ""} onChange={(e) => setExt({ ptensor: (e.target as HTMLSelectElement).value })}>
              {embeddings.map((e) => <option key={e.name} value={e.name}>{e.name} ({e.shape[0].toLocaleString()} × {e.shape[1]})</option>)}
            </select>
          </label>
          {list.data.errors.map((e) => <div key={e.run} class="error">{e.run}: {e.detail}</div>)}
          <label class="row">Color by
            <select class="projector-color" value={colorColumn} onChange={(e) => setExt({ pcolor: (e.target as HTMLSelectElement).value })}>
              <option value="">(none)</option>
              {columns.map((c) => <option key={c} value={c}>{c}</option>)}
            </select>
          </label>
          {coloring.note && <div class="muted">{coloring.note}</div>}
          {coloring.legend.length > 0 && coloring.legend.length <= MAX_CATEGORIES && (
            <ul class="projector-legend">{coloring.legend.slice(0, 20).map((l) => <li key={l.label}><span class="swatch" style={{ background: l.color }} />{l.label}</li>)}
              {coloring.legend.length > 20 && <li class="muted">… {coloring.legend.length - 20} more</li>}</ul>
          )}
          <label class="row">Label by
            <select class="projector-label" value={labelColumn} onChange={(e) => setExt({ plabel: (e.target as HTMLSelectElement).value })}>
              {columns.map((c) => <option key={c} value={c}>{c}</option>)}
            </select>
          </label>
          {info?.sprite && <label class="check"><input type="checkbox" class="projector-sprites" checked={showSprites} onChange={() => setExt({ psprite: showSprites ? "0" : "1" })} /> Show images</label>}
          <label class="check"><input type="checkbox" class="projector-contours" checked={contours} disabled={dims === 3} onChange={() => setExt({ pcontours: contours ? "0" : "1" })} /> Density contours (2-D)</label>
        </section>
        <section>
          <h3>Projection</h3>
          <div class="projector-tabs">
            {(["pca", "tsne", "umap"] as const).map((m) => (
              <button key={m} class={`projector-tab${m === method ? " on" : ""}`} data-method={m} onClick={() => setExt({ pmethod: m })}>
                {m === "pca" ? "PCA" : m === "tsne" ? "t-SNE" : "UMAP"}
              </button>
            ))}
          </div>
          <label class="row">Dimensions
            <select class="projector-dims" value={String(dims)} onChange={(e) => setExt({ pdims: (e.target as HTMLSelectElement).value })}>
              <option value="2">2-D</option><option value="3">3-D</option>
            </select>
          </label>
          {method === "pca" && pca && (
            <>
              {["X", "Y", "Z"].slice(0, dims).map((axis, d) => (
                <label class="row" key={axis}>{axis}
                  <select class={`projector-axis-${axis.toLowerCase()}`} value={String(axes[d] ?? d)} onChange={(e) => {
                    const next = [...axes]; next[d] = Number((e.target as HTMLSelectElement).value); setExt({ paxes: next.join(",") });
                  }}>
                    {pca.variance.map((v, i) => <option key={i} value={String(i)}>Component #{i + 1} ({(v * 100).toFixed(1)}%)</option>)}
                  </select>
                </label>
              ))}
              <label class="check"><input type="checkbox" checked={spherize} onChange={() => setSpherize(!spherize)} /> Spherize data</label>
              <div class="projector-variance">Variance shown: <b>{(variance.reduce((a, b) => a + b, 0) * 100).toFixed(1)}%</b></div>
            </>
          )}
          {method === "tsne" && (
            <>
              <label class="row">Perplexity <input type="number" class="projector-perplexity" min={2} max={100} value={params.perplexity} onInput={(e) => setParams({ ...params, perplexity: Number((e.target as HTMLInputElement).value) })} /></label>
              <label class="row">Learning rate <input type="number" min={1} value={params.learning_rate} onInput={(e) => setParams({ ...params, learning_rate: Number((e.target as HTMLInputElement).value) })} /></label>
              <label class="row">Iterations <input type="number" min={50} max={5000} value={params.iterations} onInput={(e) => setParams({ ...params, iterations: Number((e.target as HTMLInputElement).value) })} /></label>
            </>
          )}
          {method === "umap" && (
            <>
              <label class="row">Neighbours <input type="number" class="projector-neighbors-param" min={2} max={200} value={params.neighbors} onInput={(e) => setParams({ ...params, neighbors: Number((e.target as HTMLInputElement).value) })} /></label>
              <label class="row">Min. distance <input type="number" step={0.05} min={0} max={1} value={params.min_dist} onInput={(e) => setParams({ ...params, min_dist: Number((e.target as HTMLInputElement).value) })} /></label>
            </>
          )}
          {method !== "pca" && (
            <>
              <label class="row">Points (sample) <input type="number" min={100} value={params.sample} onInput={(e) => setParams({ ...params, sample: Number((e.target as HTMLInputElement).value) })} /></label>
              <button class="projector-run-job" disabled={!!working} onClick={() => void runJob()}>{job?.state === "done" ? "Run again" : "Run"}</button>
              {job && (
                <div class="projector-progress">
                  <progress max={1} value={job.progress} />
                  <span class="projector-progress-text">{job.state === "done" ? "done" : `${Math.round(job.progress * 100)}%`} · {job.message}{job.iteration ? ` · iteration ${job.iteration}${job.iterations ? ` of ${job.iterations}` : ""}` : ""}</span>
                  {job.sampled < job.points && <div class="muted">{job.sampled.toLocaleString()} of {job.points.toLocaleString()} points laid out</div>}
                </div>
              )}
              {jobError && <div class="error projector-job-error">{jobError}</div>}
            </>
          )}
        </section>
      </div>
      <div class="projector-main">
        {error && <div class="error">{error}</div>}
        {coords && info ? (
          <Scatter coords={coords} dims={dims} colors={coloring.colors} framed={!!colorColumn} visible={visible} emphasis={emphasis}
            labels={labelOf} labelled={labelled} contours={contours && dims === 2} dark={view.dark}
            sprite={showSprites && info.sprite ? { url: projector.spriteUrl(run, info.name), width: info.sprite.width, height: info.sprite.height } : null}
            onPick={setSelected} onHover={setHovered} />
        ) : (
          <div class="projector-placeholder muted">{method === "pca" ? "computing PCA…" : "Choose the parameters and press Run."}</div>
        )}
        <div class="projector-status muted">{n.toLocaleString()} points · {info?.shape[1]} dimensions{matches ? ` · ${matches.length} match${matches.length === 1 ? "" : "es"}` : ""}</div>
      </div>
      <div class="projector-inspector">
        <h3>Search</h3>
        <div class="row">
          <input class="projector-search" aria-label="Search: a regex over a column" placeholder="regex over a column" value={search} onInput={(e) => setSearch((e.target as HTMLInputElement).value)} />
          <select aria-label="Column to search" value={searchColumn || labelColumn} onChange={(e) => setSearchColumn((e.target as HTMLSelectElement).value)}>
            {columns.map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </div>
        {matches && <label class="check"><input type="checkbox" class="projector-isolate" checked={isolate} onChange={() => setIsolate(!isolate)} /> Show only the {matches.length} matches</label>}
        <h3>Nearest neighbours</h3>
        <div class="row">
          <select class="projector-metric" aria-label="Distance" value={metric} onChange={(e) => setMetric((e.target as HTMLSelectElement).value as "cosine" | "euclidean")}>
            <option value="cosine">cosine</option><option value="euclidean">euclidean</option>
          </select>
          <label class="row projector-k">k <input type="range" min={1} max={100} value={k} onInput={(e) => setK(Number((e.target as HTMLInputElement).value))} /> <span class="num">{k}</span></label>
        </div>
        {selected === null ? <p class="muted">Click a point to see its nearest neighbours in the original space.</p> : (
          <div class="projector-selected">
            <div class="projector-selected-label"><b>{labelOf(selected)}</b> <span class="muted">(point {selected})</span>
              <button onClick={() => setSelected(null)}>Clear</button></div>
            {columns.length > 1 && <table class="kv">{columns.map((c) => <tr key={c}><th>{c}</th><td>{columnValues(c)![selected]}</td></tr>)}</table>}
            <ol class="projector-neighbors">
              {neighbors.map((nb) => (
                <li key={nb.index}><a href="#" onClick={(e) => { e.preventDefault(); setSelected(nb.index); }}>{labelOf(nb.index)}</a>
                  <span class="num">{nb.distance.toFixed(3)}</span></li>
              ))}
            </ol>
          </div>
        )}
      </div>
    </div>
  );
}
