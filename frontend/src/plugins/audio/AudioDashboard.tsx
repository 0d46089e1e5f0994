// The audio dashboard: a card per tag; per run a step slider and a player per clip, with its
// label and a download link.
import { useState } from "preact/hooks";
import { kinds, type TagsByRun } from "../../api/client";
import { useFetch } from "../../core/hooks";
import { LazyCard } from "../../core/LazyCard";
import { StepSlider } from "../../core/StepSlider";
import { TagGroups } from "../../core/TagGroups";
import type { ViewState } from "../../core/urlState";
import { RunLabel } from "../../core/RunLabel";

interface Common { generation: number; colors: Record<string, string>; labels?: Record<string, string> }

function RunAudio(props: Common & { run: string; tag: string }) {
  const [picked, setPicked] = useState<number | null>(null);
  const steps = useFetch(() => kinds.steps("audio", props.run, props.tag), [props.run, props.tag, props.generation]);
  const n = steps.data?.step.length ?? 0;
  const index = picked === null ? n - 1 : Math.min(picked, n - 1);
  const info = useFetch(n ? () => kinds.audioStep(props.run, props.tag, index) : null, [props.run, props.tag, index, n]);
  return (
    <div class="run-audio">
      <RunLabel run={props.run} label={props.labels?.[props.run]} color={props.colors[props.run]} />
      {steps.data && <StepSlider steps={steps.data} index={index} onChange={setPicked} />}
      {info.data?.clips.map((clip, s) => {
        const src = kinds.clipUrl(props.run, props.tag, index, s);
        return (
          <div class="clip" key={src}>
            <audio controls preload="none" src={src} />
            {clip.label && <span class="clip-label">{clip.label}</span>}
            <a href={src} download={`${props.tag.replace(/[^\w.-]+/g, "_")}_step${info.data!.step}_${s}.wav`}>download</a>
          </div>
        );
      })}
    </div>
  );
}

function AudioCard(props: Common & { tag: string; runs: string[] }) {
  return <LazyCard tag={props.tag} runs={props.runs}
    run={(run) => <RunAudio run={run} tag={props.tag} generation={props.generation} colors={props.colors} labels={props.labels} />} />;
}

export function AudioDashboard(props: Common & { tags: TagsByRun | null; selectedRuns: string[]; view: ViewState; setView: (v: Partial<ViewState>) => void }) {
  return (
    <TagGroups tags={props.tags} selectedRuns={props.selectedRuns} view={props.view} setView={props.setView} what="audio"
      card={(tag, runs) => <AudioCard key={tag} tag={tag} runs={runs} generation={props.generation} colors={props.colors} labels={props.labels} />} />
  );
}
