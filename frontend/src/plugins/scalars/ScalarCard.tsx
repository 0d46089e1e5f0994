// One chart card: a tag across every selected run, with its toolbar and data table.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { api, type Series } from "../../api/client";
import { type ChartHandle, fmtValue, type Line, LineChart } from "../../charts/LineChart";
import { smooth } from "../../charts/smoothing";
import type { ViewState } from "../../core/urlState";

interface Props {
  tag: string;                  // the card's title
  seriesTag?: string;           // the tag to read, when it differs from the title
  runs: string[];               // selected runs that have this tag
  colors: Record<string, string>;
  view: ViewState;
  generation: number;
  pinned: boolean;
  onPin: () => void;
}

function stats(values: number[]) {
  const finite = values.filter(Number.isFinite);
  if (!finite.length) return null;
  let min = Infinity, max = -Infinity, sum = 0;
  for (const v of finite) { min = Math.min(min, v); max = Math.max(max, v); sum += v; }
  return { last: values[values.length - 1], min, max, mean: sum / finite.length, change: values[values.length - 1] - values[0] };
}

export function ScalarCard(props: Props) {
  const tag = props.seriesTag ?? props.tag;
  const [series, setSeries] = useState<Series[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [visible, setVisible] = useState(false);
  const [large, setLarge] = useState(false);
  const [table, setTable] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<ChartHandle | null>(null);

  useEffect(() => {
    const io = new IntersectionObserver((entries) => { if (entries.some((e) => e.isIntersecting)) setVisible(true); }, { rootMargin: "300px" });
    io.observe(ref.current!);
    return () => io.disconnect();
  }, []);

  const runKey = props.runs.join("\n");
  useEffect(() => {
    if (!visible) return;
    let cancelled = false;
    const points = Math.max(200, Math.min(4000, Math.round((ref.current?.clientWidth ?? 500) * 2)));
    api.scalarBatch(props.runs.map((run) => ({ run, tag })), points)
      .then((s) => { if (!cancelled) { setSeries(s); setError(null); } })
      .catch((e: Error) => { if (!cancelled) setError(e.message); });
    return () => { cancelled = true; };
  }, [visible, runKey, tag, props.generation, large]);

  const lines: Line[] = useMemo(() => (series ?? []).filter((s) => props.runs.includes(s.run)).map((s) => {
    const t0 = s.wall_time.length ? s.wall_time[0] : 0;
    const x = props.view.xAxis === "step" ? s.step
      : props.view.xAxis === "relative" ? s.wall_time.map((w) => w - t0) : s.wall_time;
    return { label: s.run, color: props.colors[s.run] ?? "#888", x, y: s.value, smoothed: smooth(s.value, props.view.smoothing), steps: s.step, walls: s.wall_time };
  }), [series, props.view.xAxis, props.view.smoothing, props.colors, runKey]);

  // NaN and ±inf cannot be drawn: say where each run's first one is, so a line that stops
  // reads as a diverged run, not as missing data.
  const nonFinite = (series ?? []).filter((s) => props.runs.includes(s.run)).flatMap((s) => {
    const i = s.value.findIndex((v) => !Number.isFinite(v));
    if (i < 0) return [];
    const v = s.value[i];
    return [{ run: s.run, step: s.step[i], what: Number.isNaN(v) ? "NaN" : v > 0 ? "+inf" : "-inf" }];
  });

  const download = (format: "csv" | "json") => { window.location.href = api.downloadUrl(tag, props.runs, format); };

  return (
    <div class={`card${large ? " large" : ""}`} ref={ref} data-tag={props.tag}>
      <div class="card-head">
        <span class="card-title" title={props.tag}>{props.tag}</span>
        <span class="card-tools">
          <button title={props.pinned ? "Unpin" : "Pin to top"} class={props.pinned ? "on" : ""} onClick={props.onPin}>pin</button>
          <button title="Fit to data" onClick={() => chart.current?.fit()}>fit</button>
          <button title={large ? "Shrink" : "Enlarge"} onClick={() => setLarge(!large)}>{large ? "shrink" : "enlarge"}</button>
          <button title="Data table" class={table ? "on" : ""} onClick={() => setTable(!table)}>table</button>
          <button title="Download CSV (all runs)" onClick={() => download("csv")}>CSV</button>
          <button title="Download JSON (all runs)" onClick={() => download("json")}>JSON</button>
        </span>
      </div>
      {error && <div class="error">{error}</div>}
      {!series && !error && <div class="loading" style={{ height: large ? 480 : 220 }}>loading…</div>}
      {series && (
        <LineChart lines={lines} handle={(h) => { chart.current = h; }} opts={{
          xType: props.view.xAxis, logX: props.view.logX, logY: props.view.logY,
          ignoreOutliers: props.view.ignoreOutliers, dark: props.view.dark, height: large ? 480 : 220,
        }} />
      )}
      {nonFinite.map((n) => (
        <div class="nonfinite" key={n.run}>
          <span class="swatch" style={{ background: props.colors[n.run] }} /> {n.run}: {n.what} from step {n.step} (not drawn)
        </div>
      ))}
      {series && table && (
        <table class="data-table">
          <thead><tr><th></th><th>run</th><th>last</th><th>min</th><th>max</th><th>mean</th><th>change</th><th>points</th></tr></thead>
          <tbody>
            {series.map((s) => {
              const st = stats(s.value);
              return (
                <tr key={s.run}>
                  <td><span class="swatch" style={{ background: props.colors[s.run] }} /></td>
                  <td>{s.run}</td>
                  <td>{st ? fmtValue(st.last) : "–"}</td><td>{st ? fmtValue(st.min) : "–"}</td>
                  <td>{st ? fmtValue(st.max) : "–"}</td><td>{st ? fmtValue(st.mean) : "–"}</td>
                  <td>{st ? fmtValue(st.change) : "–"}</td><td>{s.total}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
