// A run's name above its images, histograms, texts...: its colour, its display name (the
// folder's name when none was given) cut with an ellipsis when the card is narrow, the whole
// name on hover.
import type { ComponentChildren } from "preact";

export function RunLabel(props: { run: string; label?: string; color: string | undefined; children?: ComponentChildren }) {
  // The name the user gave the run in the runs table, if any; the folder's name on hover.
  const shown = props.label || props.run;
  return (
    <div class="run-label" title={shown === props.run ? props.run : `${shown} (${props.run})`}>
      <span class="swatch" style={{ background: props.color }} /><span class="run-label-name">{shown}</span>{props.children}
    </div>
  );
}
