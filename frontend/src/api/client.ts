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

export const api = {
  runs: () => call<RunInfo[]>("/api/runs"),
  plugins: () => call<{ plugins: string[]; generation: number }>("/api/plugins"),
  status: () => call<Status>("/api/status"),
  scalarTags: () => call<{ runs: Record<string, Record<string, TagInfo>> }>("/api/plugins/scalars/tags"),
  async scalarBatch(pairs: { run: string; tag: string }[], points: number): Promise<Series[]> {
    const body = await call<{ series: Series[] }>("/api/plugins/scalars/series/batch", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ series: pairs, points }),
    });
    return body.series.map((s) => ({ ...s, value: numbers(s.value), wall_time: numbers(s.wall_time) }));
  },
  downloadUrl(tag: string, runs: string[], format: "csv" | "json"): string {
    const q = new URLSearchParams({ tag, format });
    for (const r of runs) q.append("runs", r);
    return `/api/plugins/scalars/download?${q}`;
  },
};
