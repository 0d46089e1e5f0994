// The images dashboard: a card per tag (grouped by prefix) with the selected runs side by
// side; per run a step slider and every image of that step. Cards and images load only when
// they scroll into view, so a logdir with thousands of images opens fast.
import { useState } from "preact/hooks";
import { kinds, type TagsByRun } from "../../api/client";
import { useFetch, useVisible } from "../../core/hooks";
import { StepSlider } from "../../core/StepSlider";
import { TagGroups } from "../../core/TagGroups";
import type { ViewState } from "../../core/urlState";

interface Common { view: ViewState; generation: number; colors: Record<string, string> }

function RunImages(props: Common & { run: string; tag: string; onOpen: (src: string, title: string) => void }) {
  const [picked, setPicked] = useState<number | null>(null);  // null: follow the newest step
  const steps = useFetch(() => kinds.steps("images", props.run, props.tag), [props.run, props.tag, props.generation]);
  const n = steps.data?.step.length ?? 0;
  const index = picked === null ? n - 1 : Math.min(picked, n - 1);
  const info = useFetch(n ? () => kinds.imageStep(props.run, props.tag, index) : null, [props.run, props.tag, index, n]);
  const { brightness, contrast, actualSize } = props.view;
  const style = { filter: `brightness(${brightness}) contrast(${contrast})` };
  return (
    <div class="run-images">
      <div class="run-label"><span class="swatch" style={{ background: props.colors[props.run] }} /> {props.run}</div>
      {steps.error && <div class="error">{steps.error}</div>}
      {steps.data && <StepSlider steps={steps.data} index={index} onChange={setPicked} />}
      <div class="image-row">
        {info.data && Array.from({ length: info.data.samples }, (_, s) => {
          const src = kinds.imageUrl(props.run, props.tag, index, s);
          const w = info.data!.width;
          return (
            <img key={src} src={src} loading="lazy" alt={`${props.tag} step ${info.data!.step} #${s}`}
              class={actualSize ? "actual" : "fit"} style={{ ...style, ...(actualSize && w ? { width: `${w}px` } : {}) }}
              onClick={() => props.onOpen(src, `${props.run} · ${props.tag} · step ${info.data!.step}${info.data!.samples > 1 ? ` #${s}` : ""}`)} />
          );
        })}
      </div>
      {info.data && <div class="muted small">{info.data.width}×{info.data.height}{info.data.samples > 1 ? ` · ${info.data.samples} images` : ""}</div>}
    </div>
  );
}

function ImageCard(props: Common & { tag: string; runs: string[]; onOpen: (src: string, title: string) => void }) {
  const [ref, visible] = useVisible<HTMLDivElement>();
  return (
    <div class="card image-card" ref={ref} data-tag={props.tag}>
      <div class="card-head"><span class="card-title" title={props.tag}>{props.tag}</span></div>
      {!visible ? <div class="loading" style={{ height: 160 }}>…</div> : (
        <div class="runs-side-by-side">
          {props.runs.map((run) => <RunImages key={run} {...props} run={run} />)}
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
        card={(tag, runs) => <ImageCard key={tag} tag={tag} runs={runs} onOpen={onOpen} view={props.view} generation={props.generation} colors={props.colors} />} />
      {open && (
        <div class="lightbox" onClick={() => setOpen(null)}>
          <div class="lightbox-title">{open.title} <span class="muted">(click to close)</span></div>
          <img src={open.src} style={{ filter: `brightness(${brightness}) contrast(${contrast})` }} />
        </div>
      )}
    </>
  );
}
