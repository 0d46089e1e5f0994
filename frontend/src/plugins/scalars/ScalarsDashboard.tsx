// The scalars dashboard: cards grouped by tag prefix, pinned cards first.
import type { TagsByRun } from "../../api/client";
import { TagGroups } from "../../core/TagGroups";
import type { ViewState } from "../../core/urlState";
import { ScalarCard } from "./ScalarCard";

interface Props {
  tags: TagsByRun;
  selectedRuns: string[];
  colors: Record<string, string>;
  labels: Record<string, string>;
  groups: Record<string, string> | null;
  view: ViewState;
  setView: (v: Partial<ViewState>) => void;
  generation: number;
}

export function ScalarsDashboard(props: Props) {
  const togglePin = (tag: string) => props.setView({
    pinned: props.view.pinned.includes(tag) ? props.view.pinned.filter((t) => t !== tag) : [...props.view.pinned, tag],
  });
  const pins = new Set(props.view.pinned);
  // Any scalar the selected runs log can be another chart's x axis (epoch, tokens seen...).
  const xTags = [...new Set(props.selectedRuns.flatMap((r) => Object.keys(props.tags[r] ?? {})))].sort();
  return (
    <TagGroups tags={props.tags} selectedRuns={props.selectedRuns} view={props.view} setView={props.setView}
      what="scalar" pinned={props.view.pinned}
      card={(tag, runs) => (
        <ScalarCard key={tag} tag={tag} runs={runs} colors={props.colors} labels={props.labels} groups={props.groups}
          xTags={xTags} view={props.view} setView={props.setView}
          generation={props.generation} pinned={pins.has(tag)} onPin={() => togglePin(tag)} />
      )} />
  );
}
