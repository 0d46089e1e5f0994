// One chart card: a tag across every selected run (or run group), with its toolbar, its own
// x axis choice, the pinned step's table, the selected range's table and the data table.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { api, type Inspected, type Series } from "../../api/client";
import { groupLines, xAxisLines } from "../../charts/lines";
import { type ChartHandle, fmtDate, fmtDuration, fmtValue, type Line, LineChart, nearest } from "../../charts/LineChart";
import { CardTitle } from "../../core/CardTitle";
import { Menu } from "../../core/Menu";
import type { ViewState, XAxis } from "../../core/urlState";

interface Props {
  tag: string;                  // the card's title
  seriesTag?: string;           // the tag to read, when it differs from the title
  runs: string[];               // selected runs that have this tag
  colors: Record<string, string>;
  labels: Record<string, string>;   // display names
  groups: Record<string, string> | null; // run -> group (grouping on)
  xTags: string[];              // scalar tags that can be the x axis
  view: ViewState;
  setView: (v: Partial<ViewState>) => void;
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

const fmt = (v: number | null | undefined) => (v === null || v === undefined ? "–" : fmtValue(v));

export function ScalarCard(props: Props) {
  const tag = props.seriesTag ?? props.tag;
  const axis: XAxis = props.view.cardX[props.tag] ?? props.view.xAxis;
  const xTag = axis.startsWith("tag:") ? axis.slice(4) : null;
  const [series, setSeries] = useState<Series[] | null>(null);
  const [xSeries, setXSeries] = useState<Series[] | null>(null);
  const [exact, setExact] = useState<Inspected[] | null>(null);
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
    const pairs = props.runs.map((run) => ({ run, tag }));
    Promise.all([api.scalarBatch(pairs, points), xTag ? api.scalarBatch(props.runs.map((run) => ({ run, tag: xTag })), points) : Promise.resolve(null)])
      .then(([s, xs]) => { if (!cancelled) { setSeries(s); setXSeries(xs); setError(null); } })
      .catch((e: Error) => { if (!cancelled) setError(e.message); });
    return () => { cancelled = true; };
  }, [visible, runKey, tag, xTag, props.generation, large]);

  // Exact values at the pinned step and over the selected range (read from every point).
  const { pinStep, stepRange } = props.view;
  useEffect(() => {
    if (!visible || (pinStep === null && !stepRange)) { setExact(null); return; }
    let cancelled = false;
    api.inspect(props.runs.map((run) => ({ run, tag })), pinStep, stepRange)
      .then((r) => { if (!cancelled) setExact(r); })
      .catch(() => { if (!cancelled) setExact(null); });
    return () => { cancelled = true; };
  }, [visible, runKey, tag, pinStep, stepRange?.[0], stepRange?.[1], props.generation]);

  const runLines: Line[] = useMemo(
    () => xAxisLines((series ?? []).filter((s) => props.runs.includes(s.run)), axis, xSeries, props.view.smoothing, props.colors, props.labels),
    [series, xSeries, axis, props.view.smoothing, props.colors, props.labels, runKey],
  );
  const lines: Line[] = useMemo(
    () => (props.groups ? groupLines(runLines, props.groups, props.view.groupAgg, props.view.groupBand, props.view.smoothing, props.colors) : runLines),
    [runLines, props.groups, props.view.groupAgg, props.view.groupBand, props.view.smoothing],
  );

  // NaN and ±inf cannot be drawn: say where each run's first one is, so a line that stops
  // reads as a diverged run, not as missing data.
  const nonFinite = (series ?? []).filter((s) => props.runs.includes(s.run)).flatMap((s) => {
    const i = s.value.findIndex((v) => !Number.isFinite(v));
    if (i < 0) return [];
    const v = s.value[i];
    return [{ run: s.run, step: s.step[i], what: Number.isNaN(v) ? "NaN" : v > 0 ? "+inf" : "-inf" }];
  });

  // Steps -> x units of this chart, for the pin marker and the range shading.
  const stepToX = (step: number): number | null => {
    if (axis === "step") return step;
    for (const l of runLines) {
      const i = nearest(l.steps, step);
      if (i >= 0 && Number.isFinite(l.x[i])) return l.x[i];
    }
    return null;
  };
  const pinX = pinStep === null ? null : stepToX(pinStep);
  const rangeX = stepRange ? [stepToX(stepRange[0]), stepToX(stepRange[1])] : null;

  // The card's own x axis: "" follows the page's choice.
  const xChoices: [string, string][] = [
    ["", "as all charts"], ["step", "step"], ["relative", "relative time"], ["wall", "wall time"],
    ...props.xTags.filter((t) => t !== tag).map((t): [string, string] => [`tag:${t}`, t]),
  ];
  const download = (format: "csv" | "json" | "parquet") => { window.location.href = api.downloadUrl(tag, props.runs, format); };
  const label = (run: string) => props.labels[run] || run;
  const byRun = new Map((exact ?? []).map((e) => [e.run, e]));
  const lineOf = new Map(runLines.map((l) => [l.key ?? l.label, l]));

  return (
    <div class={`card${large ? " large" : ""}`} ref={ref} data-tag={props.tag}>
      <div class="card-head">
        <CardTitle text={props.tag} />
        <span class="card-tools">
          <button title={props.pinned ? "Unpin" : "Pin to top"} class={props.pinned ? "on" : ""} onClick={props.onPin}>pin</button>
          <button title="Fit to data" onClick={() => chart.current?.fit()}>fit</button>
          <button title="Data table" class={table ? "on" : ""} onClick={() => setTable(!table)}>table</button>
          <Menu label="⋯" title="More: size, horizontal axis, download" class="card-menu">
            {(close) => (
              <>
                <button role="menuitem" title={large ? "Shrink" : "Enlarge"} onClick={() => { setLarge(!large); close(); }}>{large ? "Shrink" : "Enlarge"}</button>
                <div class="menu-section" role="presentation">Horizontal axis</div>
                <div class="menu-choices" role="group" aria-label="Horizontal axis of this chart">
                  {xChoices.map(([v, text]) => (
                    <button key={v} role="menuitemradio" aria-checked={(props.view.cardX[props.tag] ?? "") === v} class={`x-choice${(props.view.cardX[props.tag] ?? "") === v ? " on" : ""}`}
                      data-x={v} title={text} onClick={() => {
                        const cardX = { ...props.view.cardX };
                        if (v) cardX[props.tag] = v as XAxis; else delete cardX[props.tag];
                        props.setView({ cardX });
                        close();
                      }}>{text}</button>
                  ))}
                </div>
                <div class="menu-section dl-section" role="presentation">Download every run's points</div>
                {(["csv", "json", "parquet"] as const).map((f) => (
                  <button key={f} role="menuitem" class="dl" title={`Download ${f === "csv" ? "CSV" : f === "json" ? "JSON" : "Parquet"} (all runs)`}
                    onClick={() => { download(f); close(); }}>{f === "csv" ? "CSV" : f === "json" ? "JSON" : "Parquet"}</button>
                ))}
              </>
            )}
          </Menu>
        </span>
      </div>
      {error && <div class="error">{error}</div>}
      {!series && !error && <div class="loading" style={{ height: large ? 480 : 220 }}>loading…</div>}
      {series && (
        <LineChart lines={lines} handle={(h) => { chart.current = h; }}
          onPick={(line, i) => { const s = line.steps[i]; if (Number.isFinite(s)) props.setView({ pinStep: s }); }}
          onRange={(from, to) => {
            const steps = [...from, ...to].map((p) => p.line.steps[p.index]).filter(Number.isFinite);
            if (steps.length) props.setView({ stepRange: [Math.min(...steps), Math.max(...steps)] });
          }}
          opts={{
            xType: axis === "step" || axis === "relative" || axis === "wall" ? axis : "value", xLabel: xTag ?? undefined,
            logX: props.view.logX, logY: props.view.logY, ignoreOutliers: props.view.ignoreOutliers, dark: props.view.dark,
            height: large ? 480 : 220, pinX, rangeX: rangeX && rangeX[0] !== null && rangeX[1] !== null ? [rangeX[0], rangeX[1]] : null,
            tipSort: props.view.tipSort, tipRows: props.view.tipRows,
          }} />
      )}
      {nonFinite.map((n) => (
        <div class="nonfinite" key={n.run}>
          <span class="swatch" style={{ background: props.colors[n.run] }} /> {label(n.run)}: {n.what} from step {n.step} (not drawn)
        </div>
      ))}
      {series && pinStep !== null && (
        <div class="table-scroll"><table class="data-table step-table" data-step={pinStep}>
          <thead><tr><th></th><th>run at step {pinStep}</th><th>value</th><th>smoothed</th><th>step</th><th>relative</th><th>time</th>
            <th><button class="unpin-step" title="Unpin the step" onClick={() => props.setView({ pinStep: null })}>×</button></th></tr></thead>
          <tbody>
            {props.runs.filter((r) => byRun.get(r)?.at).map((r) => {
              const at = byRun.get(r)!.at!;
              const l = lineOf.get(r);
              const i = l ? l.steps.indexOf(at.step) : -1;
              return (
                <tr key={r} data-run={r}>
                  <td><span class="swatch" style={{ background: props.colors[r] }} /></td>
                  <td>{label(r)}</td><td class="num">{fmtValue(at.value)}</td>
                  <td class="num">{l && i >= 0 ? fmtValue(l.smoothed[i]) : "–"}</td>
                  <td class="num">{at.step}</td><td>{fmtDuration(at.relative)}</td><td>{fmtDate(at.wall_time)}</td><td></td>
                </tr>
              );
            })}
          </tbody>
        </table></div>
      )}
      {series && stepRange && (
        <div class="table-scroll"><table class="data-table range-table">
          <thead><tr><th></th><th>steps {stepRange[0]}–{stepRange[1]}</th><th>min</th><th>max</th><th>mean</th><th>change</th><th>points</th>
            <th><button class="clear-range" title="Clear the range" onClick={() => props.setView({ stepRange: null })}>×</button></th></tr></thead>
          <tbody>
            {props.runs.filter((r) => byRun.get(r)?.range).map((r) => {
              const g = byRun.get(r)!.range!;
              return (
                <tr key={r} data-run={r}>
                  <td><span class="swatch" style={{ background: props.colors[r] }} /></td><td>{label(r)}</td>
                  <td class="num">{fmt(g.min)}</td><td class="num">{fmt(g.max)}</td><td class="num">{fmt(g.mean)}</td>
                  <td class="num">{fmt(g.change)}</td><td class="num">{g.count}</td><td></td>
                </tr>
              );
            })}
          </tbody>
        </table></div>
      )}
      {series && table && (
        <table class="data-table">
          <thead><tr><th></th><th>run</th><th>last</th><th>min</th><th>max</th><th>mean</th><th>change</th><th>points</th></tr></thead>
          <tbody>
            {series.map((s) => {
              const st = stats(s.value);
              return (
                <tr key={s.run}>
                  <td><span class="swatch" style={{ background: props.colors[s.run] }} /></td>
                  <td>{label(s.run)}</td>
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
