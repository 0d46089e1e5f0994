// The scalars dashboard: cards grouped by tag prefix, pinned cards first.
import type { TagsByRun } from "../../api/client";
import { TagGroups } from "../../core/TagGroups";
import type { ViewState } from "../../core/urlState";
import { ScalarCard } from "./ScalarCard";

interface Props {
  tags: TagsByRun;
  selectedRuns: string[];
  colors: Record<string, string>;
  view: ViewState;
  setView: (v: Partial<ViewState>) => void;
  generation: number;
}

export function ScalarsDashboard(props: Props) {
  const togglePin = (tag: string) => props.setView({
    pinned: props.view.pinned.includes(tag) ? props.view.pinned.filter((t) => t !== tag) : [...props.view.pinned, tag],
  });
  const pins = new Set(props.view.pinned);
  return (
    <TagGroups tags={props.tags} selectedRuns={props.selectedRuns} view={props.view} setView={props.setView}
      what="scalar" pinned={props.view.pinned}
      card={(tag, runs) => (
        <ScalarCard key={tag} tag={tag} runs={runs} colors={props.colors} view={props.view}
          generation={props.generation} pinned={pins.has(tag)} onPin={() => togglePin(tag)} />
      )} />
  );
}
