// The PR curves dashboard: per tag one chart, a precision-recall curve per selected run, each
// run with its own step slider; hover shows the nearest threshold with precision, recall and
// the four counts. Thresholds with TP + FP = 0 (nothing scored that high: precision undefined,
// stored as 0) are left out, as TensorBoard does, instead of a line down to (0, 0).
import { useState } from "preact/hooks";
import { kinds, type PrCurve, type TagsByRun } from "../../api/client";
import { fmtValue } from "../../charts/LineChart";
import { useFetch, useVisible } from "../../core/hooks";
import { StepSlider } from "../../core/StepSlider";
import { TagGroups } from "../../core/TagGroups";
import type { ViewState } from "../../core/urlState";
import { CardTitle } from "../../core/CardTitle";

interface Common { view: ViewState; generation: number; colors: Record<string, string>; labels?: Record<string, string> }
const W = 420, H = 280, P = { l: 44, r: 12, t: 10, b: 32 };
const sx = (r: number) => P.l + r * (W - P.l - P.r);
const sy = (p: number) => H - P.b - p * (H - P.t - P.b);

interface Shown { run: string; curve: PrCurve }

/** The indices of the thresholds drawn: those where at least one example scored at or above. */
export function drawnThresholds(curve: PrCurve): number[] {
  const out: number[] = [];
  curve.recall.forEach((_, i) => {
    const empty = curve.empty?.[i] ?? curve.true_positives[i] + curve.false_positives[i] <= 0;
    if (!empty) out.push(i);
  });
  return out;
}

function PrChart(props: { shown: Shown[]; colors: Record<string, string> }) {
  const [hover, setHover] = useState<{ run: string; i: number; curve: PrCurve } | null>(null);
  const onMove = (e: MouseEvent) => {
    const svg = e.currentTarget as SVGSVGElement;
    const pt = svg.getBoundingClientRect();
    const x = ((e.clientX - pt.left) / pt.width) * W, y = ((e.clientY - pt.top) / pt.height) * H;
    let best: { run: string; i: number; curve: PrCurve } | null = null, dist = Infinity;
    for (const { run, curve } of props.shown) {
      for (const i of drawnThresholds(curve)) {
        const d = (sx(curve.recall[i]) - x) ** 2 + (sy(curve.precision[i]) - y) ** 2;
        if (d < dist) { dist = d; best = { run, i, curve }; }
      }
    }
    setHover(best);
  };
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  return (
    <div class="pr-chart">
      <svg viewBox={`0 0 ${W} ${H}`} onMouseMove={onMove} onMouseLeave={() => setHover(null)}>
        {ticks.map((t) => (
          <g key={t} class="grid">
            <line x1={sx(t)} x2={sx(t)} y1={sy(0)} y2={sy(1)} /><line x1={sx(0)} x2={sx(1)} y1={sy(t)} y2={sy(t)} />
            <text x={sx(t)} y={H - P.b + 14} text-anchor="middle">{t}</text>
            <text x={P.l - 6} y={sy(t) + 4} text-anchor="end">{t}</text>
          </g>
        ))}
        <text x={(sx(0) + sx(1)) / 2} y={H - 3} text-anchor="middle" class="axis-label">recall</text>
        <text x={10} y={(sy(0) + sy(1)) / 2} transform={`rotate(-90 10 ${(sy(0) + sy(1)) / 2})`} text-anchor="middle" class="axis-label">precision</text>
        {props.shown.map(({ run, curve }) => {
          const drawn = drawnThresholds(curve);
          return (
            <polyline key={run} fill="none" stroke={props.colors[run] ?? "#888"} stroke-width="2" data-run={run}
              data-thresholds={drawn.join(" ")}
              points={drawn.map((i) => `${sx(curve.recall[i])},${sy(curve.precision[i])}`).join(" ")} />
          );
        })}
        {hover && <circle cx={sx(hover.curve.recall[hover.i])} cy={sy(hover.curve.precision[hover.i])} r="4" fill={props.colors[hover.run]} />}
      </svg>
      <div class="pr-tip muted">
        {hover ? `${hover.run} · step ${hover.curve.step} · threshold ${fmtValue(hover.curve.thresholds[hover.i])} · precision ${fmtValue(hover.curve.precision[hover.i])} · recall ${fmtValue(hover.curve.recall[hover.i])} · TP ${hover.curve.true_positives[hover.i]} FP ${hover.curve.false_positives[hover.i]} TN ${hover.curve.true_negatives[hover.i]} FN ${hover.curve.false_negatives[hover.i]}` : "\u00a0"}
      </div>
    </div>
  );
}

function PrCard(props: Common & { tag: string; runs: string[] }) {
  const [ref, visible] = useVisible<HTMLDivElement>();
  const [picked, setPicked] = useState<Record<string, number>>({});
  const data = useFetch(visible ? () => Promise.all(props.runs.map((run) => kinds.prCurves(run, props.tag).then((d) => ({ run, curves: d.curves })))) : null,
    [visible, props.runs.join("\n"), props.tag, props.generation]);
  const shown: Shown[] = [];
  for (const d of data.data ?? []) {
    const n = d.curves.length;
    if (!n) continue;
    shown.push({ run: d.run, curve: d.curves[Math.min(picked[d.run] ?? n - 1, n - 1)] });
  }
  return (
    <div class="card" ref={ref} data-tag={props.tag}>
      <div class="card-head"><CardTitle text={props.tag} /></div>
      {data.error && <div class="error">{data.error}</div>}
      {data.data ? <PrChart shown={shown} colors={props.colors} /> : <div class="loading" style={{ height: 280 }}>…</div>}
      {data.data?.map((d) => d.curves.length > 0 && (
        <div class="run-slider" key={d.run}>
          <span class="swatch" style={{ background: props.colors[d.run] }} /> <span class="run-name" title={d.run}>{props.labels?.[d.run] || d.run}</span>
          <StepSlider steps={{ step: d.curves.map((c) => c.step), wall_time: d.curves.map((c) => c.wall_time) }}
            index={Math.min(picked[d.run] ?? d.curves.length - 1, d.curves.length - 1)} onChange={(i) => setPicked({ ...picked, [d.run]: i })} />
        </div>
      ))}
    </div>
  );
}

export function PrCurvesDashboard(props: Common & { tags: TagsByRun | null; selectedRuns: string[]; setView: (v: Partial<ViewState>) => void }) {
  return (
    <TagGroups tags={props.tags} selectedRuns={props.selectedRuns} view={props.view} setView={props.setView} what="PR curve"
      card={(tag, runs) => <PrCard key={tag} tag={tag} runs={runs} view={props.view} generation={props.generation} colors={props.colors} labels={props.labels} />} />
  );
}
