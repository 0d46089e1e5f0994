// The one module that talks to the server (contract: src/ridgeline/plugins/*/api.md).

export interface RunInfo { name: string; last_wall_time: number | null; tags: number }
export interface TagInfo {
  count: number; first_step: number | null; last_step: number | null;
  last_wall_time: number | null; display_name: string; description: string;
}
export interface Series {
  run: string; tag: string; total: number;
  step: number[]; wall_time: number[]; value: number[];
}
export interface Status {
  logdirs: string[]; missing: string[]; event_files: number; unreadable: string[];
  problems: string[]; indexing: boolean; progress: number; suggestion: string | null;
}

export type FindingKind = "vanishing_gradients" | "exploding_gradients" | "nan" | "dead_units" | "plateau";
export interface Finding { kind: FindingKind; layer: string | null; tag: string; step: number; first_step: number; message: string }
export type Health = Record<string, Finding[]>;

export class ApiError extends Error {
  constructor(public status: number, message: string) { super(message); }
}

async function call<T>(url: string, init?: RequestInit): Promise<T> {
  const resp = await fetch(url, init);
  if (!resp.ok) {
    let detail = resp.statusText;
    try { detail = (await resp.json()).detail ?? detail; } catch { /* not JSON */ }
    throw new ApiError(resp.status, detail);
  }
  return (await resp.json()) as T;
}

// Non-finite values arrive as "NaN" / "Infinity" / "-Infinity" strings.
function numbers(xs: (number | string)[]): number[] {
  return xs.map((x) => (typeof x === "number" ? x : Number(x)));
}

export interface Inspected {
  run: string; tag: string;
  at: { step: number; wall_time: number; value: number; relative: number } | null;
  range: { count: number; first_step: number | null; last_step: number | null; min: number | null; max: number | null; mean: number | null; change: number | null } | null;
}
export interface MetricStats { last: number | null; min: number | null; max: number | null; best: number | null; best_step: number | null }
export interface RunRow {
  name: string; display_name: string; color: string; auto_color: string; tags: string[]; notes: string;
  status: "running" | "finished" | "crashed"; status_reason: string;
  started: number | null; last_write: number | null; duration: number | null;
  hparams: Record<string, string | number | boolean>; last: Record<string, number | null>;
  stats: Record<string, MetricStats>;
}
export interface RunTable { palette: string[]; now: number; window: number; hparams: string[]; metrics: string[]; hparam_metrics: string[]; goals: Record<string, "min" | "max">; runs: RunRow[] }
export interface RunMeta { run: string; display_name?: string; color?: string; tags?: string[]; notes?: string }
export interface TrashEntry { id: string; run: string; logdir: string; folder: string; deleted_at: number; runs: string[] }

const post = (body: unknown, method = "POST"): RequestInit => ({
  method, headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
});

export interface Access { auth: boolean; read_only: boolean; runs: string; tags: string; name: string }
// What this page's token allows (a read-only share link hides every action that changes data).
export const accessApi = { get: () => call<Access>("/api/access") };

export const runsApi = {
  async table(metrics: string[]): Promise<RunTable> {
    const p = new URLSearchParams();
    for (const m of metrics) p.append("metric", m);
    const t = await call<RunTable>(`/api/plugins/runs/table?${p}`);
    const num = (v: unknown) => (typeof v === "string" ? Number(v) : (v as number | null));
    for (const r of t.runs) {
      for (const k of Object.keys(r.last)) r.last[k] = num(r.last[k]);
      for (const s of Object.values(r.stats)) for (const k of ["last", "min", "max", "best"] as const) s[k] = num(s[k]);
    }
    return t;
  },
  setMeta: (meta: RunMeta) => call<Required<RunMeta>>("/api/plugins/runs/meta", post(meta, "PUT")),
  remove: (run: string) => call<TrashEntry>("/api/plugins/runs/delete", post({ run })),
  restore: (id: string) => call<TrashEntry>("/api/plugins/runs/restore", post({ id })),
  trash: () => call<TrashEntry[]>("/api/plugins/runs/trash"),
  exportUrl(runs: string[], tags: string[], format: "csv" | "json" | "parquet"): string {
    const p = new URLSearchParams({ format });
    for (const r of runs) p.append("runs", r);
    for (const t of tags) p.append("tags", t);
    return `/api/plugins/scalars/export?${p}`;
  },
};

export const api = {
  runs: () => call<RunInfo[]>("/api/runs"),
  plugins: () => call<{ plugins: string[]; generation: number }>("/api/plugins"),
  status: () => call<Status>("/api/status"),
  health: async (): Promise<Health> => (await call<{ runs: Health }>("/api/health")).runs,
  scalarTags: () => call<{ runs: Record<string, Record<string, TagInfo>> }>("/api/plugins/scalars/tags"),
  async scalarBatch(pairs: { run: string; tag: string }[], points: number): Promise<Series[]> {
    const body = await call<{ series: Series[] }>("/api/plugins/scalars/series/batch", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ series: pairs, points }),
    });
    return body.series.map((s) => ({ ...s, value: numbers(s.value), wall_time: numbers(s.wall_time) }));
  },
  inspect: (pairs: { run: string; tag: string }[], step: number | null, range: [number, number] | null) =>
    call<{ series: Inspected[] }>("/api/plugins/scalars/inspect", post({ series: pairs, step, range })).then((b) => {
      const num = (v: unknown) => (typeof v === "string" ? Number(v) : (v as number));
      for (const s of b.series) {
        if (s.at) for (const k of ["wall_time", "value", "relative"] as const) s.at[k] = num(s.at[k]);
        if (s.range) for (const k of ["min", "max", "mean", "change"] as const) s.range[k] = s.range[k] === null ? null : num(s.range[k]);
      }
      return b.series;
    }),
  downloadUrl(tag: string, runs: string[], format: "csv" | "json" | "parquet"): string {
    const q = new URLSearchParams({ tag, format });
    for (const r of runs) q.append("runs", r);
    return `/api/plugins/scalars/download?${q}`;
  },
};

// ---- every other kind (contracts: src/ridgeline/plugins/<kind>/api.md) ----

export type TagsByRun = Record<string, Record<string, TagInfo>>;
export interface Steps { step: number[]; wall_time: number[] }
export interface ImageStep { step: number; wall_time: number; width: number; height: number; samples: number }
export interface AudioStep { step: number; wall_time: number; clips: { label: string; content_type: string }[] }
export interface Histograms { step: number[]; wall_time: number[]; buckets: [number, number, number][][] }
export interface Distributions { basis_points: number[]; step: number[]; wall_time: number[]; percentiles: number[][] }
export interface TextStep { step: number; wall_time: number; shape: number[]; strings: string[]; warning: string }
export interface PrCurve {
  step: number; wall_time: number; thresholds: number[]; precision: number[]; recall: number[];
  true_positives: number[]; false_positives: number[]; true_negatives: number[]; false_negatives: number[];
  /** True where TP + FP = 0 (precision undefined): not drawn. */
  empty?: boolean[];
}
export interface HParamInfo {
  name: string; display_name: string; description: string; type: string;
  domain: { values: (string | number | boolean)[] } | { min: number; max: number } | null;
}
export interface MetricInfo { key: string; group: string; tag: string; display_name: string; description: string }
export interface Session {
  run: string; group: string; status: string; start_time: number | null; end_time: number | null;
  hparams: Record<string, string | number | boolean>; metrics: Record<string, number | string | null>;
}
export interface Experiment { hparams: HParamInfo[]; metrics: MetricInfo[]; sessions: Session[] }
export interface Chart { title: string; multiline?: string[]; margin?: { value: string; lower: string; upper: string }[] }
export interface Category { title: string; closed: boolean; charts: Chart[] }
export interface MeshInfo { tags: Record<string, string>; config: Record<string, unknown>; count: number; last_step: number | null }
export interface MeshData { step: number; wall_time: number; vertices: number[]; faces?: number[]; colors?: number[]; config: Record<string, unknown> }

export interface ExplanationStep {
  step: number; wall_time: number; samples: number; method: string; title: string;
  targets: number[] | null; style: string; signed: boolean; scale: "zero" | "symmetric" | "minmax"; colormap: string | null;
  width: number; height: number; map_shape: [number, number]; ranges: [number, number][];
}
export interface ExplanationMap { step: number; shape: [number, number]; values: number[][] }

const q = (params: Record<string, string | number>) =>
  new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();

export interface GraphEntry { run: string; tag: string | null; kind: "op" | "keras" | "run_metadata"; step: number | null }
export interface GraphNodeJson {
  name: string; op: string; inputs: string[]; device: string;
  attr: Record<string, unknown>; output_shapes?: (number[] | null)[] | null;
}
export interface GraphBody { run: string; tag: string | null; kind: string; step: number; nodes: GraphNodeJson[]; functions: Record<string, GraphNodeJson[]> }
export interface EmbeddingInfo { name: string; shape: [number, number]; source: string; has_metadata: boolean; sprite: { width: number; height: number } | null }
export interface ProjectionJob {
  job: string; method: string; dims: number; state: "queued" | "running" | "done" | "error";
  progress: number; message: string; iteration: number; iterations: number; has_coords: boolean; sampled: number; points: number;
}
export interface Floats { data: Float32Array; shape: number[]; headers: Headers }

async function floats(url: string): Promise<Floats> {
  const resp = await fetch(url);
  if (!resp.ok) {
    let detail = resp.statusText;
    try { detail = (await resp.json()).detail ?? detail; } catch { /* not JSON */ }
    throw new ApiError(resp.status, detail);
  }
  return { data: new Float32Array(await resp.arrayBuffer()), shape: JSON.parse(resp.headers.get("X-Shape") ?? "[]"), headers: resp.headers };
}

export const graphs = {
  list: () => call<{ graphs: GraphEntry[]; generation: number }>("/api/plugins/graphs/list"),
  graph: (run: string, tag: string | null) =>
    call<GraphBody>(`/api/plugins/graphs/graph?${tag === null ? q({ run }) : q({ run, tag })}`),
};

export const projector = {
  embeddings: () => call<{ runs: Record<string, EmbeddingInfo[]>; errors: { run: string; detail: string }[] }>("/api/plugins/projector/embeddings"),
  metadata: (run: string, name: string) => call<{ columns: string[]; values: string[][] }>(`/api/plugins/projector/metadata?${q({ run, name })}`),
  spriteUrl: (run: string, name: string) => `/api/plugins/projector/sprite?${q({ run, name })}`,
  pca: (run: string, name: string, components: number, spherize: boolean) =>
    floats(`/api/plugins/projector/pca?${q({ run, name, components, spherize: String(spherize) })}`),
  start: (run: string, name: string, method: "tsne" | "umap", dims: number, params: Record<string, number | string>) =>
    call<ProjectionJob>("/api/plugins/projector/projection", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ run, name, method, dims, params }),
    }),
  job: (job: string) => call<ProjectionJob>(`/api/plugins/projector/projection?${q({ job })}`),
  coords: (job: string) => floats(`/api/plugins/projector/projection/coords?${q({ job })}`),
  neighbors: (run: string, name: string, index: number, k: number, metric: string) =>
    call<{ index: number; metric: string; neighbors: { index: number; distance: number }[] }>(
      `/api/plugins/projector/neighbors?${q({ run, name, index, k, metric })}`),
};

export const kinds = {
  tags: (plugin: string) => call<{ runs: TagsByRun; generation: number }>(`/api/plugins/${plugin}/tags`),
  steps: (plugin: string, run: string, tag: string) => call<Steps>(`/api/plugins/${plugin}/steps?${q({ run, tag })}`),
  imageCard: (tag: string, runs: string[]) => {
    const p = new URLSearchParams({ tag });
    for (const r of runs) p.append("run", r);
    return call<{ runs: Record<string, Steps & { last: { width: number; height: number; samples: number } | null }> }>(`/api/plugins/images/card?${p}`);
  },
  imageStep: (run: string, tag: string, index: number) => call<ImageStep>(`/api/plugins/images/step?${q({ run, tag, index })}`),
  imageUrl: (run: string, tag: string, index: number, sample: number) => `/api/plugins/images/image?${q({ run, tag, index, sample })}`,
  audioStep: (run: string, tag: string, index: number) => call<AudioStep>(`/api/plugins/audio/step?${q({ run, tag, index })}`),
  clipUrl: (run: string, tag: string, index: number, sample: number) => `/api/plugins/audio/clip?${q({ run, tag, index, sample })}`,
  histograms: (run: string, tag: string) => call<Histograms>(`/api/plugins/histograms/histograms?${q({ run, tag })}`),
  distributions: (run: string, tag: string) => call<Distributions>(`/api/plugins/histograms/distributions?${q({ run, tag })}`),
  texts: (run: string, tag: string) => call<{ total: number; texts: TextStep[] }>(`/api/plugins/text/texts?${q({ run, tag })}`),
  prCurves: (run: string, tag: string) => call<{ curves: PrCurve[] }>(`/api/plugins/pr_curves/curves?${q({ run, tag })}`),
  experiment: () => call<Experiment>("/api/plugins/hparams/experiment"),
  layout: () => call<{ categories: Category[] }>("/api/plugins/custom_scalars/layout"),
  meshes: () => call<{ runs: Record<string, Record<string, MeshInfo>> }>("/api/plugins/mesh/meshes"),
  meshSteps: (run: string, name: string) => call<Steps>(`/api/plugins/mesh/steps?${q({ run, name })}`),
  explanationStep: (run: string, tag: string, index: number) => call<ExplanationStep>(`/api/plugins/explanations/step?${q({ run, tag, index })}`),
  explanationMap: async (run: string, tag: string, index: number, sample: number): Promise<ExplanationMap> => {
    const m = await call<ExplanationMap>(`/api/plugins/explanations/map?${q({ run, tag, index, sample })}`);
    return { ...m, values: m.values.map((row) => numbers(row)) };
  },
  explanationUrl: (run: string, tag: string, index: number, sample: number, kind: "input" | "overlay") =>
    `/api/plugins/explanations/image?${q({ run, tag, index, sample, kind })}`,
  mesh: (run: string, name: string, index: number) => call<MeshData>(`/api/plugins/mesh/mesh?${q({ run, name, index })}`),
};
