// Time series: scalars, images and histograms of every tag in one view, grouped by tag prefix
// (train/, val/, layer1/...), with a type filter and the tag filter — TensorBoard's Time
// Series. Each card is the same card its own dashboard shows.
import { useState } from "preact/hooks";
import { kinds, type TagsByRun } from "../../api/client";
import { useFetch } from "../../core/hooks";
import { tagsOfRuns } from "../../core/TagGroups";
import { safeRegex, type ViewState } from "../../core/urlState";
import { HistogramCard } from "../histograms/HistogramsDashboard";
import { ImageCard } from "../images/ImagesDashboard";
import { ScalarCard } from "../scalars/ScalarCard";

export const KINDS = ["scalars", "images", "histograms"] as const;
type Kind = (typeof KINDS)[number];
const WHAT: Record<Kind, string> = { scalars: "scalar", images: "image", histograms: "histogram" };

interface Props {
  view: ViewState; setView: (v: Partial<ViewState>) => void; generation: number;
  colors: Record<string, string>; labels: Record<string, string>; groups: Record<string, string> | null;
  scalarTags: TagsByRun | null; selectedRuns: string[]; plugins: string[];
}

export function TimeSeriesDashboard(props: Props) {
  const images = useFetch(props.plugins.includes("images") ? () => kinds.tags("images") : null, [props.generation]);
  const hists = useFetch(props.plugins.includes("histograms") ? () => kinds.tags("histograms") : null, [props.generation]);
  const [lightbox, setLightbox] = useState<{ src: string; title: string } | null>(null);
  const on = new Set((props.view.ext.tstypes || KINDS.join(",")).split(",").filter(Boolean) as Kind[]);
  const toggle = (k: Kind) => {
    const next = KINDS.filter((x) => (x === k ? !on.has(x) : on.has(x)));
    props.setView({ ext: { ...props.view.ext, tstypes: next.join(",") } });
  };
  const sources: [Kind, TagsByRun | null][] = [["scalars", props.scalarTags], ["images", images.data?.runs ?? null], ["histograms", hists.data?.runs ?? null]];
  const re = safeRegex(props.view.tagFilter);
  const cards: { kind: Kind; tag: string; runs: string[] }[] = [];
  let total = 0;
  for (const [kind, tags] of sources) {
    if (!tags) continue;
    for (const [tag, runs] of tagsOfRuns(tags, props.selectedRuns)) {
      total++;
      if (on.has(kind) && (!re || re.test(tag))) cards.push({ kind, tag, runs });
    }
  }
  cards.sort((a, b) => a.tag.localeCompare(b.tag) || KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind));
  const groups = new Map<string, typeof cards>();
  for (const c of cards) {
    const g = c.tag.includes("/") ? c.tag.split("/", 1)[0] : "(no prefix)";
    groups.set(g, [...(groups.get(g) ?? []), c]);
  }
  const pins = new Set(props.view.pinned);
  // Scalars the selected runs log (choices for a chart's x axis): once, not once per card.
  const xTags = [...new Set(props.selectedRuns.flatMap((r) => Object.keys(props.scalarTags?.[r] ?? {})))].sort();
  const card = (c: (typeof cards)[number]) => {
    const key = `${c.kind}:${c.tag}`;
    if (c.kind === "scalars") {
      return <ScalarCard key={key} tag={c.tag} runs={c.runs} colors={props.colors} labels={props.labels} groups={props.groups}
        xTags={xTags}
        view={props.view} setView={props.setView} generation={props.generation} pinned={pins.has(c.tag)}
        onPin={() => props.setView({ pinned: pins.has(c.tag) ? props.view.pinned.filter((t) => t !== c.tag) : [...props.view.pinned, c.tag] })} />;
    }
    if (c.kind === "images") {
      return <ImageCard key={key} tag={c.tag} runs={c.runs} view={props.view} generation={props.generation} colors={props.colors} labels={props.labels}
        onOpen={(src, title) => setLightbox({ src, title })} />;
    }
    return <HistogramCard key={key} tag={c.tag} runs={c.runs} view={props.view} generation={props.generation} colors={props.colors} labels={props.labels} />;
  };
  return (
    <div class="dashboard timeseries">
      <div class="filter-bar">
        <input class="tag-filter" placeholder="Filter tags (regex)" value={props.view.tagFilter}
          onInput={(e) => props.setView({ tagFilter: (e.target as HTMLInputElement).value })} />
        {!re && <span class="error">invalid regex</span>}
        {KINDS.filter((k) => props.plugins.includes(k)).map((k) => (
          <label key={k} class="check type-filter"><input type="checkbox" data-kind={k} checked={on.has(k)} onChange={() => toggle(k)} /> {k}</label>
        ))}
        <span class="muted">{cards.length} of {total} cards</span>
      </div>
      {props.selectedRuns.length === 0 && <div class="empty">No runs selected. Pick runs on the left.</div>}
      {[...groups.entries()].map(([g, cs]) => (
        <section class="group" key={g}>
          <h2>{g} <span class="muted">({cs.map((c) => c.kind).filter((k, i, a) => a.indexOf(k) === i).map((k) => `${cs.filter((c) => c.kind === k).length} ${WHAT[k]}${cs.filter((c) => c.kind === k).length === 1 ? "" : "s"}`).join(", ")})</span></h2>
          <div class="cards">{cs.map(card)}</div>
        </section>
      ))}
      {lightbox && (
        <div class="lightbox" onClick={() => setLightbox(null)}>
          <div class="lightbox-title">{lightbox.title} <span class="muted">(click to close)</span></div>
          <img src={lightbox.src} style={{ filter: `brightness(${props.view.brightness}) contrast(${props.view.contrast})` }} />
        </div>
      )}
    </div>
  );
}
