// The histograms dashboard: a card per tag, one chart per selected run, offset or overlay mode.
import { kinds, type TagsByRun } from "../../api/client";
import { useFetch, useVisible } from "../../core/hooks";
import { TagGroups } from "../../core/TagGroups";
import type { ViewState } from "../../core/urlState";
import { HistogramChart } from "./HistogramChart";

interface Common { view: ViewState; generation: number; colors: Record<string, string> }

function RunHistogram(props: Common & { run: string; tag: string }) {
  const h = useFetch(() => kinds.histograms(props.run, props.tag), [props.run, props.tag, props.generation]);
  return (
    <div class="run-histogram">
      <div class="run-label"><span class="swatch" style={{ background: props.colors[props.run] }} /> {props.run}</div>
      {h.error && <div class="error">{h.error}</div>}
      {h.data ? <HistogramChart data={h.data} color={props.colors[props.run] ?? "#888"} mode={props.view.histMode} dark={props.view.dark} />
        : !h.error && <div class="loading" style={{ height: 260 }}>loading…</div>}
    </div>
  );
}

function HistogramCard(props: Common & { tag: string; runs: string[] }) {
  const [ref, visible] = useVisible<HTMLDivElement>();
  return (
    <div class="card" ref={ref} data-tag={props.tag}>
      <div class="card-head"><span class="card-title">{props.tag}</span></div>
      {visible ? props.runs.map((run) => <RunHistogram key={run} {...props} run={run} />) : <div class="loading" style={{ height: 260 }}>…</div>}
    </div>
  );
}

export function HistogramsDashboard(props: Common & { tags: TagsByRun | null; selectedRuns: string[]; setView: (v: Partial<ViewState>) => void }) {
  return (
    <TagGroups tags={props.tags} selectedRuns={props.selectedRuns} view={props.view} setView={props.setView} what="histogram"
      card={(tag, runs) => <HistogramCard key={tag} tag={tag} runs={runs} view={props.view} generation={props.generation} colors={props.colors} />} />
  );
}
