// The report's "server": window.fetch answered from the JSON embedded in the page by
// `ridgeline export` (src/ridgeline/server/report.py). GET bodies are stored under their route
// (query pairs sorted); scalar series are stored once, as base64 float64 columns (NaN and ±inf
// survive), and the series / batch / inspect routes are answered from them. Nothing here
// touches the network.

interface Column { step: string; wall: string; value: string; total: number }
export interface ReportData {
  title: string;
  created: number;
  routes: Record<string, unknown>;                         // "GET /api/...?a=1&b=2" -> body
  series: Record<string, Record<string, Column>>;          // run -> tag -> columns
}

interface Series { step: number[]; wall_time: number[]; value: number[]; total: number }

function floats(b64: string): number[] {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return Array.from(new Float64Array(bytes.buffer));
}

function json(v: number): number | string {
  return Number.isFinite(v) ? v : Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
}

// First, last, min and max of each bucket (as the server's downsampling): spikes survive.
export function downsample(s: Series, points: number): Series {
  const n = s.step.length;
  if (n <= points) return s;
  const buckets = Math.max(1, Math.floor(points / 4));
  const keep = new Set<number>([0, n - 1]);
  for (let b = 0; b < buckets; b++) {
    const lo = Math.floor((b * n) / buckets), hi = Math.floor(((b + 1) * n) / buckets);
    let mn = lo, mx = lo;
    for (let i = lo; i < hi; i++) {
      const v = s.value[i];
      if (!Number.isFinite(v)) { keep.add(i); continue; }
      if (!(s.value[mn] <= v)) mn = i;
      if (!(s.value[mx] >= v)) mx = i;
    }
    keep.add(lo); keep.add(hi - 1); keep.add(mn); keep.add(mx);
  }
  const idx = [...keep].sort((a, b) => a - b);
  return { step: idx.map((i) => s.step[i]), wall_time: idx.map((i) => s.wall_time[i]), value: idx.map((i) => s.value[i]), total: s.total };
}

// "GET /api/x?[["run","a"],["tag","b"]]": decoded query pairs, sorted (as report.py writes).
export function routeKey(method: string, url: URL): string {
  const q = [...url.searchParams.entries()].sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : x > y ? 1 : 0) : a < b ? -1 : 1));
  return `${method} ${url.pathname}${q.length ? `?${JSON.stringify(q)}` : ""}`;
}

export function installReport(): void {
  const el = document.getElementById("ridgeline-data");
  if (!el?.textContent) throw new Error("this page has no embedded report data");
  const data = JSON.parse(el.textContent) as ReportData;
  document.title = data.title;
  // The shell reads this to say "report" and to hide what needs a server (reload, edits, downloads).
  document.documentElement.dataset.report = new Date(data.created * 1000).toISOString().slice(0, 16).replace("T", " ");
  const cache = new Map<string, Series>();
  const series = (run: string, tag: string): Series | null => {
    const key = `${run}\n${tag}`;
    if (!cache.has(key)) {
      const c = data.series[run]?.[tag];
      if (!c) return null;
      cache.set(key, { step: floats(c.step), wall_time: floats(c.wall), value: floats(c.value), total: c.total });
    }
    return cache.get(key)!;
  };
  const reply = (status: number, body: unknown) =>
    Promise.resolve(new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } }));
  const out = (run: string, tag: string, s: Series) => ({
    run, tag, total: s.total, step: s.step, wall_time: s.wall_time.map(json), value: s.value.map(json),
  });

  window.fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url, "http://report.invalid");
    const method = (init?.method ?? "GET").toUpperCase();
    const body = init?.body ? JSON.parse(String(init.body)) : null;
    const path = url.pathname;
    if (path === "/api/plugins/scalars/series/batch" && method === "POST") {
      const found: unknown[] = [];
      const errors: unknown[] = [];
      for (const p of body.series as { run: string; tag: string }[]) {
        const s = series(p.run, p.tag);
        if (s) found.push(out(p.run, p.tag, body.points ? downsample(s, body.points) : s));
        else errors.push({ ...p, detail: "not in this report" });
      }
      return reply(200, { series: found, errors });
    }
    if (path === "/api/plugins/scalars/series" && method === "GET") {
      const run = url.searchParams.get("run") ?? "", tag = url.searchParams.get("tag") ?? "";
      const s = series(run, tag);
      const points = Number(url.searchParams.get("points") ?? 0);
      return s ? reply(200, out(run, tag, points ? downsample(s, points) : s)) : reply(404, { detail: `run ${run} has no scalar tag ${tag} in this report` });
    }
    if (path === "/api/plugins/scalars/inspect" && method === "POST") {
      const result = [];
      for (const p of body.series as { run: string; tag: string }[]) {
        const s = series(p.run, p.tag);
        if (!s || !s.step.length) continue;
        const entry: Record<string, unknown> = { run: p.run, tag: p.tag, at: null, range: null };
        if (body.step !== null && body.step !== undefined) {
          let best = 0;
          for (let i = 1; i < s.step.length; i++) if (Math.abs(s.step[i] - body.step) < Math.abs(s.step[best] - body.step)) best = i;
          entry.at = { step: s.step[best], wall_time: s.wall_time[best], value: json(s.value[best]), relative: s.wall_time[best] - s.wall_time[0] };
        }
        if (body.range) {
          const [lo, hi] = [Math.min(...body.range), Math.max(...body.range)];
          const idx = s.step.map((st, i) => (st >= lo && st <= hi ? i : -1)).filter((i) => i >= 0);
          const fin = idx.map((i) => s.value[i]).filter(Number.isFinite);
          entry.range = {
            count: idx.length, first_step: idx.length ? s.step[idx[0]] : null, last_step: idx.length ? s.step[idx[idx.length - 1]] : null,
            min: fin.length ? Math.min(...fin) : null, max: fin.length ? Math.max(...fin) : null,
            mean: fin.length ? fin.reduce((a, b) => a + b, 0) / fin.length : null,
            change: idx.length ? json(s.value[idx[idx.length - 1]] - s.value[idx[0]]) : null,
          };
        }
        result.push(entry);
      }
      return reply(200, { series: result, errors: [] });
    }
    if (method !== "GET") return reply(403, { detail: "this is a read-only report: nothing can be changed here" });
    // The runs table is stored with every metric's statistics: any column choice is answered.
    const key = path === "/api/plugins/runs/table" ? "GET /api/plugins/runs/table" : routeKey(method, url);
    if (key in data.routes) return reply(200, data.routes[key]);
    return reply(404, { detail: `${path} is not in this report` });
  };
}
