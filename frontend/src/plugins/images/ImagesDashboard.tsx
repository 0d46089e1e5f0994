// The images dashboard: a card per tag (grouped by prefix) with the selected runs side by
// side; per run a step slider and every image of that step. A card asks for nothing until it
// scrolls into view, and then needs one request (steps and newest sizes of all its runs) plus
// its images, so a logdir with thousands of images opens fast.
import { useState } from "preact/hooks";
import { type ImageStep, kinds, type Steps, type TagsByRun } from "../../api/client";
import { type Loaded, useFetch, useVisible } from "../../core/hooks";
import { StepSlider } from "../../core/StepSlider";
import { TagGroups } from "../../core/TagGroups";
import type { ViewState } from "../../core/urlState";
import { CardTitle } from "../../core/CardTitle";
import { RunLabel } from "../../core/RunLabel";

interface Common { view: ViewState; generation: number; colors: Record<string, string>; labels?: Record<string, string> }

interface RunData { steps: Steps; last: { width: number; height: number; samples: number } | null }

function RunImages(props: Common & { run: string; tag: string; data: RunData; onOpen: (src: string, title: string) => void }) {
  const [picked, setPicked] = useState<number | null>(null);  // null: follow the newest step
  const { steps } = props.data;
  const n = steps.step.length;
  const index = picked === null ? n - 1 : Math.min(picked, n - 1);
  const newest = index === n - 1 && props.data.last;
  const fetched = useFetch(n && !newest ? () => kinds.imageStep(props.run, props.tag, index) : null, [props.run, props.tag, index, n, !!newest]);
  const info: Loaded<ImageStep> = newest
    ? { data: { step: steps.step[index], wall_time: steps.wall_time[index], ...props.data.last! }, error: null }
    : fetched;
  const { brightness, contrast, actualSize } = props.view;
  const style = { filter: `brightness(${brightness}) contrast(${contrast})` };
  // Image bytes are fetched only once this run's row is on screen (the browser's own lazy
  // loading starts a screen or more ahead).
  const [ref, onScreen] = useVisible<HTMLDivElement>("0px");
  return (
    <div class="run-images" ref={ref}>
      <RunLabel run={props.run} label={props.labels?.[props.run]} color={props.colors[props.run]} />
      <StepSlider steps={steps} index={index} onChange={setPicked} />
      <div class="image-row">
        {info.data && onScreen && Array.from({ length: info.data.samples }, (_, s) => {
          const src = kinds.imageUrl(props.run, props.tag, index, s);
          const w = info.data!.width;
          return (
            <img key={src} src={src} loading="lazy" alt={`${props.tag} step ${info.data!.step} #${s}`}
              class={actualSize ? "actual" : "fit"}
              style={{ ...style, aspectRatio: w && info.data!.height ? `${w} / ${info.data!.height}` : undefined, ...(actualSize && w ? { width: `${w}px` } : {}) }}
              onClick={() => props.onOpen(src, `${props.run} · ${props.tag} · step ${info.data!.step}${info.data!.samples > 1 ? ` #${s}` : ""}`)} />
          );
        })}
      </div>
      {info.data && <div class="muted small">{info.data.width}×{info.data.height}{info.data.samples > 1 ? ` · ${info.data.samples} images` : ""}</div>}
    </div>
  );
}

// About the height a card will have (runs in columns of at least 240 px, images assumed
// square), so that only the cards really on screen ask for data.
function placeholderHeight(runs: number): number {
  const width = Math.max(300, window.innerWidth - 330);
  const cols = Math.max(1, Math.floor((width + 12) / 252));
  const colWidth = (width - 12 * (cols - 1)) / cols;
  return Math.ceil(runs / cols) * (Math.min(colWidth, 400) + 64);
}

export function ImageCard(props: Common & { tag: string; runs: string[]; onOpen: (src: string, title: string) => void }) {
  const [ref, visible] = useVisible<HTMLDivElement>("0px");
  const card = useFetch(visible ? () => kinds.imageCard(props.tag, props.runs) : null, [visible, props.tag, props.runs.join("\n"), props.generation]);
  return (
    <div class="card image-card" ref={ref} data-tag={props.tag}>
      <div class="card-head"><CardTitle text={props.tag} /></div>
      {card.error && <div class="error">{card.error}</div>}
      {!card.data ? <div class="loading" style={{ height: placeholderHeight(props.runs.length) }}>…</div> : (
        <div class="runs-side-by-side">
          {props.runs.filter((run) => card.data!.runs[run]).map((run) => {
            const d = card.data!.runs[run];
            return <RunImages key={run} {...props} run={run} data={{ steps: { step: d.step, wall_time: d.wall_time }, last: d.last }} />;
          })}
        </div>
      )}
    </div>
  );
}

export function ImagesDashboard(props: Common & { tags: TagsByRun | null; selectedRuns: string[]; setView: (v: Partial<ViewState>) => void }) {
  const [open, setOpen] = useState<{ src: string; title: string } | null>(null);
  const onOpen = (src: string, title: string) => setOpen({ src, title });
  const { brightness, contrast } = props.view;
  return (
    <>
      <TagGroups tags={props.tags} selectedRuns={props.selectedRuns} view={props.view} setView={props.setView} what="image"
        card={(tag, runs) => <ImageCard key={tag} tag={tag} runs={runs} onOpen={onOpen} view={props.view} generation={props.generation} colors={props.colors} labels={props.labels} />} />
      {open && (
        <div class="lightbox" onClick={() => setOpen(null)}>
          <div class="lightbox-title">{open.title} <span class="muted">(click to close)</span></div>
          <img src={open.src} style={{ filter: `brightness(${brightness}) contrast(${contrast})` }} />
        </div>
      )}
    </>
  );
}
