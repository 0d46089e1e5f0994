// The scalars dashboard: cards grouped by tag prefix, pinned cards first.
import { ScalarCard } from "./ScalarCard";
import { safeRegex, type ViewState } from "../../core/urlState";

interface Props {
  tags: Record<string, Record<string, unknown>>;  // run -> tag -> info
  selectedRuns: string[];
  colors: Record<string, string>;
  view: ViewState;
  setView: (v: Partial<ViewState>) => void;
  generation: number;
}

export function ScalarsDashboard(props: Props) {
  const re = safeRegex(props.view.tagFilter);
  const byTag = new Map<string, string[]>();
  for (const run of props.selectedRuns) {
    for (const tag of Object.keys(props.tags[run] ?? {})) {
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag)!.push(run);
    }
  }
  const all = [...byTag.keys()].sort();
  const shown = all.filter((t) => !re || re.test(t));
  const groups = new Map<string, string[]>();
  for (const tag of shown) {
    const g = tag.includes("/") ? tag.split("/", 1)[0] : "(no prefix)";
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g)!.push(tag);
  }
  const pinned = props.view.pinned.filter((t) => byTag.has(t));
  const togglePin = (tag: string) => props.setView({
    pinned: props.view.pinned.includes(tag) ? props.view.pinned.filter((t) => t !== tag) : [...props.view.pinned, tag],
  });
  const card = (tag: string, keyPrefix: string) => (
    <ScalarCard key={keyPrefix + tag} tag={tag} runs={byTag.get(tag)!} colors={props.colors} view={props.view}
      generation={props.generation} pinned={props.view.pinned.includes(tag)} onPin={() => togglePin(tag)} />
  );
  return (
    <div class="dashboard">
      <div class="filter-bar">
        <input class="tag-filter" placeholder="Filter tags (regex)" value={props.view.tagFilter}
          onInput={(e) => props.setView({ tagFilter: (e.target as HTMLInputElement).value })} />
        {!re && <span class="error">invalid regex</span>}
        <span class="muted">{shown.length} of {all.length} tags</span>
      </div>
      {props.selectedRuns.length === 0 && <div class="empty">No runs selected. Pick runs on the left.</div>}
      {pinned.length > 0 && (
        <section class="group"><h2>Pinned</h2><div class="cards">{pinned.map((t) => card(t, "pin:"))}</div></section>
      )}
      {[...groups.entries()].map(([g, tags]) => (
        <section class="group" key={g}>
          <h2>{g} <span class="muted">({tags.length})</span></h2>
          <div class="cards">{tags.map((t) => card(t, ""))}</div>
        </section>
      ))}
    </div>
  );
}
