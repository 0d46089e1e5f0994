// Tag filter box + cards grouped by tag prefix (text before the first "/"), as every
// dashboard lays out its tags. `card(tag, runs)` renders one card.
import type { ComponentChildren } from "preact";
import type { TagsByRun } from "../api/client";
import { safeRegex, type ViewState } from "./urlState";

interface Props {
  tags: TagsByRun | null;
  selectedRuns: string[];
  view: ViewState;
  setView: (v: Partial<ViewState>) => void;
  card: (tag: string, runs: string[]) => ComponentChildren;
  what: string;  // e.g. "image" for "no image tags"
  pinned?: string[];  // tags shown again in a "Pinned" group at the top
}

export function tagsOfRuns(tags: TagsByRun, runs: string[]): Map<string, string[]> {
  const byTag = new Map<string, string[]>();
  for (const run of runs) {
    for (const tag of Object.keys(tags[run] ?? {})) {
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag)!.push(run);
    }
  }
  return byTag;
}

export function TagGroups(props: Props) {
  if (!props.tags) return <div class="loading">loading…</div>;
  const pinned = (props.pinned ?? []).filter((t) => tagsOfRuns(props.tags!, props.selectedRuns).has(t));
  const re = safeRegex(props.view.tagFilter);
  const byTag = tagsOfRuns(props.tags, props.selectedRuns);
  const all = [...byTag.keys()].sort();
  const shown = all.filter((t) => !re || re.test(t));
  const groups = new Map<string, string[]>();
  for (const tag of shown) {
    const g = tag.includes("/") ? tag.split("/", 1)[0] : "(no prefix)";
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g)!.push(tag);
  }
  return (
    <div class="dashboard">
      <div class="filter-bar">
        <input class="tag-filter" placeholder="Filter tags (regex)" value={props.view.tagFilter}
          onInput={(e) => props.setView({ tagFilter: (e.target as HTMLInputElement).value })} />
        {!re && <span class="error">invalid regex</span>}
        <span class="muted">{shown.length} of {all.length} tags</span>
      </div>
      {props.selectedRuns.length === 0 && <div class="empty">No runs selected. Pick runs on the left.</div>}
      {props.selectedRuns.length > 0 && all.length === 0 && <div class="empty">The selected runs have no {props.what} tags.</div>}
      {pinned.length > 0 && (
        <section class="group pinned"><h2>Pinned</h2><div class="cards">{pinned.map((t) => props.card(t, byTag.get(t)!))}</div></section>
      )}
      {[...groups.entries()].map(([g, tags]) => (
        <section class="group" key={g}>
          <h2>{g} <span class="muted">({tags.length})</span></h2>
          <div class="cards">{tags.map((t) => props.card(t, byTag.get(t)!))}</div>
        </section>
      ))}
    </div>
  );
}
