// The distributions dashboard: histogram data as percentile bands over steps, like
// TensorBoard's (min, 7%, 16%, 31%, median, 69%, 84%, 93%, max: ±0.5σ/±1σ/±1.5σ of a normal).
import { useMemo } from "preact/hooks";
import { kinds, type TagsByRun } from "../../api/client";
import { type Band, BandChart, type BandLine } from "../../charts/BandChart";
import { useFetch } from "../../core/hooks";
import { LazyCard } from "../../core/LazyCard";
import { TagGroups } from "../../core/TagGroups";
import type { ViewState } from "../../core/urlState";
import { RunLabel } from "../../core/RunLabel";

interface Common { view: ViewState; generation: number; colors: Record<string, string>; labels?: Record<string, string> }
const NAMES = ["min", "7%", "16%", "31%", "median", "69%", "84%", "93%", "max"];

function RunDistribution(props: Common & { run: string; tag: string }) {
  const d = useFetch(() => kinds.distributions(props.run, props.tag), [props.run, props.tag, props.generation]);
  const color = props.colors[props.run] ?? "#888";
  const chart = useMemo(() => {
    if (!d.data) return null;
    const t0 = d.data.wall_time[0] ?? 0;
    const x = props.view.xAxis === "step" || props.view.xAxis.startsWith("tag:") ? d.data.step : props.view.xAxis === "relative" ? d.data.wall_time.map((w) => w - t0) : d.data.wall_time;
    const lines: BandLine[] = NAMES.map((label, k) => ({ label, y: d.data!.percentiles.map((p) => p[k]), color, width: k === 4 ? 2 : 0.5, show: k === 4 || k === 0 || k === 8 }));
    const bands: Band[] = [[0, 8, "22"], [1, 7, "33"], [2, 6, "44"], [3, 5, "66"]].map(([lo, hi, a]) => ({ lower: lo as number, upper: hi as number, fill: color + a }));
    return { x, lines, bands };
  }, [d.data, color, props.view.xAxis]);
  return (
    <div class="run-distribution">
      <RunLabel run={props.run} label={props.labels?.[props.run]} color={color} />
      {d.error && <div class="error">{d.error}</div>}
      {chart ? <BandChart x={chart.x} lines={chart.lines} bands={chart.bands} dark={props.view.dark} xTime={props.view.xAxis === "wall"} />
        : !d.error && <div class="loading" style={{ height: 220 }}>loading…</div>}
    </div>
  );
}

function DistributionCard(props: Common & { tag: string; runs: string[] }) {
  return <LazyCard tag={props.tag} runs={props.runs} placeholder={220} run={(run) => <RunDistribution {...props} run={run} />} />;
}

export function DistributionsDashboard(props: Common & { tags: TagsByRun | null; selectedRuns: string[]; setView: (v: Partial<ViewState>) => void }) {
  return (
    <TagGroups tags={props.tags} selectedRuns={props.selectedRuns} view={props.view} setView={props.setView} what="histogram"
      card={(tag, runs) => <DistributionCard key={tag} tag={tag} runs={runs} view={props.view} generation={props.generation} colors={props.colors} labels={props.labels} />} />
  );
}
