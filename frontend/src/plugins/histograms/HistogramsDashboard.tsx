// The histograms dashboard: a card per tag, one chart per selected run, offset or overlay mode.
import { kinds, type TagsByRun } from "../../api/client";
import { useFetch } from "../../core/hooks";
import { LazyCard } from "../../core/LazyCard";
import { TagGroups } from "../../core/TagGroups";
import type { ViewState } from "../../core/urlState";
import { HistogramChart, type OffsetAxis } from "./HistogramChart";
import { RunLabel } from "../../core/RunLabel";

interface Common { view: ViewState; generation: number; colors: Record<string, string>; labels?: Record<string, string> }

function RunHistogram(props: Common & { run: string; tag: string }) {
  const h = useFetch(() => kinds.histograms(props.run, props.tag), [props.run, props.tag, props.generation]);
  return (
    <div class="run-histogram">
      <RunLabel run={props.run} label={props.labels?.[props.run]} color={props.colors[props.run]} />
      {h.error && <div class="error">{h.error}</div>}
      {h.data ? <HistogramChart data={h.data} color={props.colors[props.run] ?? "#888"} mode={props.view.histMode} dark={props.view.dark}
        offset={(props.view.ext.hoffset as OffsetAxis) || "step"} colorBy={props.view.ext.hcolor === "step" ? "step" : "run"} />
        : !h.error && <div class="loading" style={{ height: 260 }}>loading…</div>}
    </div>
  );
}

export function HistogramCard(props: Common & { tag: string; runs: string[] }) {
  return <LazyCard tag={props.tag} runs={props.runs} placeholder={260} run={(run) => <RunHistogram {...props} run={run} />} />;
}

export function HistogramsDashboard(props: Common & { tags: TagsByRun | null; selectedRuns: string[]; setView: (v: Partial<ViewState>) => void }) {
  return (
    <TagGroups tags={props.tags} selectedRuns={props.selectedRuns} view={props.view} setView={props.setView} what="histogram"
      card={(tag, runs) => <HistogramCard key={tag} tag={tag} runs={runs} view={props.view} generation={props.generation} colors={props.colors} labels={props.labels} />} />
  );
}
