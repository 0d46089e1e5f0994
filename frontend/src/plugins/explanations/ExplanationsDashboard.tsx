// The explanations dashboard: a section per training run (headed by its name), in it for each
// class (one table per set of explained inputs) a row per input with the input and each
// method's overlay; a step slider to watch explanations evolve, an optional second step side by
// side (each image labelled with its step; a wide table scrolls inside its card), a class
// selector, a legend per method, and the attribution value under the pointer (read from the
// logged, downsampled map).
import { useState } from "preact/hooks";
import { type ExplanationMap, type ExplanationStep, kinds, type Steps, type TagsByRun } from "../../api/client";
import { useFetch } from "../../core/hooks";
import type { ViewState } from "../../core/urlState";

interface Common { view: ViewState; setView: (v: Partial<ViewState>) => void; generation: number; colors: Record<string, string> }
interface Entry { run: string; tag: string; steps: Steps }
interface Shown extends Entry { index: number; header: ExplanationStep }

// matplotlib's colormaps as CSS gradient stops (the overlays are drawn with the same maps)
const GRADIENTS: Record<string, string[]> = {
  viridis: ["#440154", "#482878", "#3e4989", "#31688e", "#26828e", "#1f9e89", "#35b779", "#6ece58", "#b5de2b", "#fde725"],
  RdBu_r: ["#053061", "#2166ac", "#4393c3", "#92c5de", "#d1e5f0", "#f7f7f7", "#fddbc7", "#f4a582", "#d6604d", "#b2182b", "#67001f"],
  gray: ["#000000", "#ffffff"],
};

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e4) ? v.toExponential(2) : v.toPrecision(3).replace(/\.?0+$/, "");
}

function Legend({ header }: { header: ExplanationStep }) {
  const stops = GRADIENTS[header.colormap ?? "gray"] ?? GRADIENTS.gray;
  // each overlay is scaled on its own; the labels give the span over the samples shown
  const top = Math.max(0, ...header.ranges.map(([lo, hi]) => Math.max(Math.abs(lo), Math.abs(hi))));
  const scale = header.scale;
  const low = scale === "symmetric" ? -top : scale === "minmax" ? Math.min(...header.ranges.map(([lo]) => lo)) : 0;
  const high = scale === "minmax" ? Math.max(...header.ranges.map(([, hi]) => hi)) : top;
  return (
    <div class="ex-legend" title={`${header.style} style: ${scale === "minmax" ? "each map from its lowest (bottom colour) to its highest value" : scale === "symmetric" ? "0 in the middle, negative to positive" : "magnitudes from 0"}`}>
      <div class="ex-legend-bar" style={{ background: `linear-gradient(to right, ${stops.join(", ")})` }} />
      <div class="ex-legend-labels"><span>{fmt(low)}</span><span>{fmt(high)}</span></div>
    </div>
  );
}

function stepIndex(steps: Steps, step: number): number {
  // the newest logged step at or before `step` (the first one if none is)
  let found = 0;
  steps.step.forEach((s, i) => { if (s <= step) found = i; });
  return found;
}

// One overlay; hovering reads the attribution value from the logged map.
function Overlay(props: { shown: Shown; sample: number }) {
  const { run, tag, index, header } = props.shown;
  const [map, setMap] = useState<ExplanationMap | null>(null);
  // where the pointer is (fractions of the image, and pixels for the tooltip); the value is
  // read from the map when it has arrived, so the first hover shows it once loaded
  const [pointer, setPointer] = useState<{ fx: number; fy: number; x: number; y: number } | null>(null);
  const [asked, setAsked] = useState(false);
  const onMove = (e: MouseEvent) => {
    const box = (e.currentTarget as HTMLImageElement).getBoundingClientRect();
    setPointer({ fx: (e.clientX - box.left) / box.width, fy: (e.clientY - box.top) / box.height, x: e.clientX - box.left, y: e.clientY - box.top });
    if (!map && !asked) {
      setAsked(true);
      void kinds.explanationMap(run, tag, index, props.sample).then(setMap).catch(() => setAsked(false));
    }
  };
  let hover: { x: number; y: number; value: number } | null = null;
  if (pointer && map) {
    const [h, w] = map.shape;
    const r = Math.min(h - 1, Math.max(0, Math.floor(pointer.fy * h)));
    const c = Math.min(w - 1, Math.max(0, Math.floor(pointer.fx * w)));
    hover = { x: pointer.x, y: pointer.y, value: map.values[r][c] };
  }
  const src = kinds.explanationUrl(run, tag, index, props.sample, "overlay");
  return (
    <div class="ex-cell">
      <img src={src} alt={`${header.title} step ${header.step} #${props.sample}`} class="ex-img"
        onMouseMove={onMove} onMouseLeave={() => setPointer(null)} />
      {hover && (
        <div class="ex-hover" style={{ left: `${hover.x + 8}px`, top: `${hover.y + 8}px` }}>
          {header.title}: <b class="ex-hover-value">{fmt(hover.value)}</b>
        </div>
      )}
    </div>
  );
}

function useShown(entries: Entry[], step: number, generation: number): Shown[] | null {
  const key = entries.map((e) => `${e.run}\n${e.tag}\n${stepIndex(e.steps, step)}`).join("\n");
  const loaded = useFetch(entries.length ? () => Promise.all(entries.map(async (e) => {
    const index = stepIndex(e.steps, step);
    return { ...e, index, header: await kinds.explanationStep(e.run, e.tag, index) };
  })) : null, [key, generation]);
  return loaded.data;
}

function classOf(h: ExplanationStep): string {
  const t = h.targets ?? [];
  if (!t.length) return "predicted";
  return t.every((c) => c === t[0]) ? String(t[0]) : `per input: ${t.join(", ")}`;
}

/** Runs as sections: tf-explain logs each method as its own run (`grad_cam_4/<date>`), so runs
 * are put together as long as no method repeats for a class (one training's callbacks); when
 * one does, they are split by the first path segments that keep every method once a section
 * (`a/grad_cam_4/…` and `b/grad_cam_4/…` by `a` and `b`; plain runs by run). */
export function runSections<T extends { run: string; key: string }>(items: T[]): { name: string; items: T[] }[] {
  const depth = Math.max(1, ...items.map((s) => s.run.split("/").length));
  for (let k = 0; ; k++) {
    const groups = new Map<string, T[]>();
    for (const s of items) {
      const name = k === 0 ? "" : s.run.split("/").slice(0, k).join("/");
      groups.set(name, [...(groups.get(name) ?? []), s]);
    }
    const repeats = [...groups.values()].some((g) => new Set(g.map((s) => s.key)).size < g.length);
    if (!repeats || k >= depth) {
      const runs = new Set(items.map((s) => s.run));
      // one run alone is still named
      return [...groups].map(([name, g]) => ({ name: name || (runs.size === 1 ? [...runs][0] : ""), items: g }));
    }
  }
}

function Table(props: { label: string; columns: Shown[]; compare: Shown[] | null }) {
  const first = props.columns[0];
  const samples = Math.min(...props.columns.map((c) => c.header.samples));
  const compare = props.compare;
  return (
    <div class={`card ex-table${compare ? " compare" : ""}`} data-class={props.label}>
      <div class="card-head"><span class="card-title">{props.label === "predicted" || props.label.startsWith("per input") ? `Classes: ${props.label}` : `Class ${props.label}`}</span>
        <span class="muted"> · step {first.header.step}{compare ? ` vs ${compare[0].header.step}` : ""}</span></div>
      <div class="ex-scroll">
      <table>
        <thead>
          <tr>
            <th class="ex-input-col">input</th>
            {props.columns.map((c) => (
              <th key={`${c.run}/${c.tag}`} class="ex-method" title={c.run}>{c.header.title}<Legend header={c.header} /></th>
            ))}
          </tr>
          {compare && (
            <tr class="ex-step-row">
              <th class="ex-input-col" />
              {props.columns.map((c, j) => (
                <th key={`${c.run}/${c.tag}`}>
                  <div class="ex-pair"><span class="ex-step-label">step {c.header.step}</span>
                    {compare[j] && <span class="ex-step-label">step {compare[j].header.step}</span>}</div>
                </th>
              ))}
            </tr>
          )}
        </thead>
        <tbody>
          {Array.from({ length: samples }, (_, s) => (
            <tr key={s}>
              <td class="ex-input-col"><img class="ex-img ex-input" src={kinds.explanationUrl(first.run, first.tag, first.index, s, "input")} alt={`input #${s}`} /></td>
              {props.columns.map((c, j) => (
                <td key={`${c.run}/${c.tag}`}>
                  <div class="ex-pair">
                    <Overlay key={`a${c.index}`} shown={c} sample={s} />
                    {props.compare && props.compare[j] && <Overlay key={`b${props.compare[j].index}`} shown={props.compare[j]} sample={s} />}
                  </div>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      </div>
    </div>
  );
}

export function ExplanationsDashboard(props: Common & { tags: TagsByRun | null; selectedRuns: string[] }) {
  const { view, setView, generation } = props;
  const pairs: { run: string; tag: string }[] = [];
  for (const run of props.selectedRuns) for (const tag of Object.keys(props.tags?.[run] ?? {}).sort()) pairs.push({ run, tag });
  const pairKey = pairs.map((p) => `${p.run}\n${p.tag}`).join("\n");
  const stepsLoaded = useFetch(pairs.length ? () => Promise.all(pairs.map(async (p) => ({ ...p, steps: await kinds.steps("explanations", p.run, p.tag) }))) : null, [pairKey, generation]);
  const entries: Entry[] = (stepsLoaded.data ?? []).filter((e) => e.steps.step.length > 0);
  const allSteps = [...new Set(entries.flatMap((e) => e.steps.step))].sort((a, b) => a - b);
  const newest = allSteps.length ? allSteps[allSteps.length - 1] : 0;
  const step = view.exStep >= 0 && allSteps.includes(view.exStep) ? view.exStep : newest;
  const compareStep = view.exCompare >= 0 && allSteps.includes(view.exCompare) ? view.exCompare : null;
  const shown = useShown(entries, step, generation);
  const comparedLoaded = useShown(compareStep === null ? [] : entries, compareStep ?? 0, generation);
  const compared = compareStep === null ? null : comparedLoaded;  // (a finished fetch's data stays)

  if (props.tags === null || stepsLoaded.data === null) return <div class="loading">…</div>;
  if (!entries.length) return <div class="empty">No explanations in the selected runs.</div>;

  const sections = runSections((shown ?? []).map((s) => ({ ...s, key: `${classOf(s.header)}\n${s.header.title}` })));
  const classes = [...new Set((shown ?? []).map((s) => classOf(s.header)))];
  const picked = view.exClass && classes.includes(view.exClass) ? view.exClass : "";
  const at = (i: number) => allSteps[Math.min(Math.max(i, 0), allSteps.length - 1)];
  const slider = (label: string, value: number, cls: string, onChange: (s: number) => void) => (
    <label class="row ex-slider">{label} <b class={`${cls}-value`}>{value}</b>
      {allSteps.length > 1 && <input type="range" class={cls} min={0} max={allSteps.length - 1} step={1} value={allSteps.indexOf(value)}
        onInput={(e) => onChange(at(Number((e.target as HTMLInputElement).value)))} />}
    </label>
  );
  return (
    <div class="explanations">
      <div class="ex-controls card">
        {slider("Step", step, "ex-step", (s) => setView({ exStep: s === newest ? -1 : s }))}
        <label class="check"><input type="checkbox" class="ex-compare-toggle" checked={compareStep !== null}
          onChange={() => setView({ exCompare: compareStep === null ? allSteps[0] : -1 })} /> Compare with another step</label>
        {compareStep !== null && slider("vs step", compareStep, "ex-compare", (s) => setView({ exCompare: s }))}
        <label class="row">Class
          <select class="ex-class" value={picked} onChange={(e) => setView({ exClass: (e.target as HTMLSelectElement).value })}>
            <option value="">every class</option>
            {classes.map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </label>
      </div>
      {shown === null ? <div class="loading">…</div> : sections.map((section) => {
        const groups = new Map<string, Shown[]>();
        for (const s of section.items) groups.set(classOf(s.header), [...(groups.get(classOf(s.header)) ?? []), s]);
        const wanted = [...groups.keys()].filter((c) => !picked || c === picked);
        if (!wanted.length) return null;
        const runs = new Set(section.items.map((s) => s.run));
        return (
          <section class="ex-run" key={section.name} data-run={section.name}>
            {section.name && (
              <h2 class="ex-run-name">
                {runs.size === 1 && <span class="swatch" style={{ background: props.colors[[...runs][0]] }} />}{section.name}
              </h2>
            )}
            {wanted.map((c) => {
              const columns = groups.get(c)!;
              const compare = compared ? columns.map((col) => compared.find((x) => x.run === col.run && x.tag === col.tag)!) : null;
              return <Table key={c} label={c} columns={columns} compare={compare} />;
            })}
          </section>
        );
      })}
    </div>
  );
}
