// A step slider over the logged values of one run×tag: shows the step and its time.
import type { Steps } from "../api/client";

export function StepSlider(props: { steps: Steps; index: number; onChange: (i: number) => void }) {
  const n = props.steps.step.length;
  if (n === 0) return null;
  const i = Math.min(Math.max(props.index, 0), n - 1);
  return (
    <div class="step-slider">
      <span class="muted">step</span> <b class="step-value">{props.steps.step[i]}</b>
      {n > 1 && (
        <input type="range" aria-label="Step" aria-valuetext={`step ${props.steps.step[i]}`} min={0} max={n - 1} step={1} value={i}
          onInput={(e) => props.onChange(Number((e.target as HTMLInputElement).value))} />
      )}
      <span class="muted time" title={new Date(props.steps.wall_time[i] * 1000).toLocaleString()}>
        {new Date(props.steps.wall_time[i] * 1000).toLocaleTimeString()}
      </span>
    </div>
  );
}
